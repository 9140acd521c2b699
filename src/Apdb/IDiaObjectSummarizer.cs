using Apdb.Records;

namespace Apdb;

/// <summary>
/// Computes DiaObject versions from DiaSources. Given to <see cref="ApdbStore.StoreAsync(DetectorVisit, double, IDiaObjectSummarizer, IReadOnlyList{DiaSource}, IReadOnlyList{DiaForcedSource}, StoreOptions?, CancellationToken)"/>,
/// it runs inside the store's transaction while the store holds the row locks of the objects, over every DiaSource
/// stored so far by any process, so a summary never misses a source that a concurrent or earlier-committed store wrote.
/// </summary>
public interface IDiaObjectSummarizer
{
    /// <summary>
    /// One DiaObject version per object that has sources in <paramref name="sources"/>, summarising the object as of
    /// <paramref name="asOfMjdTai"/>. The store passes exactly the sources of the history window ending there
    /// (<c>asOf - window &lt; midpointMjdTai &lt;= asOf</c>), new ones included. Validity and <c>pixelId</c> are set by the
    /// store; anything the implementation puts there is ignored. Must be pure: a retried store calls it again.
    /// </summary>
    IReadOnlyList<DiaObject> Summarize(double asOfMjdTai, IReadOnlyList<DiaSource> sources);
}
