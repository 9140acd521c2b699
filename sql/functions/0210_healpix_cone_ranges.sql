-- Cone coverage on the server: the depth-29 pixelId ranges (half-open [lo, hi)) covering every HEALPix pixel that
-- touches the disc, at the finest depth whose merged ranges stay within max_ranges (64, as Rubin's APDB uses).
-- A pixel is kept when the distance from its centre to the cone centre is at most radius + the pixel's maximum
-- radius (an upper bound of centre-to-any-point distance), so no touching pixel is ever missed; a pixel is taken
-- whole, without subdividing, when it lies entirely inside the disc.

-- Centre of a NESTED pixel as a unit vector (healpix_cxx pix2loc).
CREATE OR REPLACE FUNCTION healpix_nested_center_vec(depth integer, id bigint, OUT x double precision, OUT y double precision, OUT z double precision)
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
    jrll integer[] := ARRAY[2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4];
    jpll integer[] := ARRAY[1, 3, 5, 7, 0, 2, 4, 6, 1, 3, 5, 7];
    nside bigint := 1::bigint << depth;
    face integer;
    local bigint;
    ix bigint := 0;
    iy bigint := 0;
    bit integer;
    jr bigint;
    nr bigint;
    kshift bigint;
    jp bigint;
    fact2 double precision;
    fact1 double precision;
    tmp double precision;
    sth double precision;
    phi double precision;
BEGIN
    face := (id >> (2 * depth))::integer;
    local := id & ((1::bigint << (2 * depth)) - 1);
    FOR bit IN 0 .. depth - 1 LOOP
        ix := ix | (((local >> (2 * bit)) & 1) << bit);
        iy := iy | (((local >> (2 * bit + 1)) & 1) << bit);
    END LOOP;
    fact2 := 4.0 / (12.0 * nside * nside);
    fact1 := (nside << 1) * fact2;
    jr := (jrll[face + 1]::bigint << depth) - ix - iy - 1;
    IF jr < nside THEN
        nr := jr;
        tmp := (nr * nr) * fact2;
        z := 1 - tmp;
        sth := sqrt(tmp * (2.0 - tmp));
        kshift := 0;
    ELSIF jr > 3 * nside THEN
        nr := 4 * nside - jr;
        tmp := (nr * nr) * fact2;
        z := tmp - 1;
        sth := sqrt(tmp * (2.0 - tmp));
        kshift := 0;
    ELSE
        nr := nside;
        z := (2 * nside - jr) * fact1;
        sth := sqrt((1.0 - z) * (1.0 + z));
        kshift := (jr - nside) & 1;
    END IF;
    jp := (jpll[face + 1] * nr + ix - iy + 1 + kshift) / 2;
    IF jp > 4 * nside THEN
        jp := jp - 4 * nside;
    END IF;
    IF jp < 1 THEN
        jp := jp + 4 * nside;
    END IF;
    phi := (jp - (kshift + 1) * 0.5) * ((pi() / 2.0) / nr);
    x := sth * cos(phi);
    y := sth * sin(phi);
END;
$$;

-- Upper bound of the distance (radians) from a pixel's centre to any point of it at a depth: healpix_cxx's
-- max_pixrad with a 1 % allowance, the same bound as the C# HealpixNested.MaxPixelRadiusDeg.
CREATE OR REPLACE FUNCTION healpix_max_pixrad(depth integer)
RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
    nside double precision := (1::bigint << depth)::double precision;
    za double precision := 2.0 / 3.0;
    pa double precision := pi() / (4 * nside);
    t1 double precision := (1.0 - 1.0 / nside) * (1.0 - 1.0 / nside);
    zb double precision := 1 - t1 / 3;
    sa double precision := sqrt((1 - za) * (1 + za));
    sb double precision := sqrt((1 - zb) * (1 + zb));
    cx double precision;
    cy double precision;
    cz double precision;
    dot double precision;
BEGIN
    -- a = (sa cos pa, sa sin pa, za), b = (sb, 0, zb); angle by atan2(|a x b|, a . b).
    cx := sa * sin(pa) * zb - za * 0;
    cy := za * sb - sa * cos(pa) * zb;
    cz := sa * cos(pa) * 0 - sa * sin(pa) * sb;
    dot := sa * cos(pa) * sb + za * zb;
    RETURN atan2(sqrt(cx * cx + cy * cy + cz * cz), dot) * 1.01 + 1e-15;
END;
$$;

-- Exact angular distance in degrees between two positions (haversine, stable at small separations).
CREATE OR REPLACE FUNCTION healpix_angdist_deg(ra1 double precision, dec1 double precision, ra2 double precision, dec2 double precision)
RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT degrees(2 * asin(least(1.0, sqrt(
        power(sin(radians(dec2 - dec1) / 2), 2)
        + cos(radians(dec1)) * cos(radians(dec2)) * power(sin(radians(ra2 - ra1) / 2), 2)))));
$$;

CREATE OR REPLACE FUNCTION healpix_cone_ranges(ra_deg double precision, dec_deg double precision, radius_deg double precision, max_ranges integer DEFAULT 64)
RETURNS TABLE (lo bigint, hi bigint)
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE ROWS 32
AS $$
DECLARE
    cx double precision;
    cy double precision;
    cz double precision;
    r double precision;
    d integer := 0;
    candidates bigint[] := ARRAY[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]::bigint[];
    partial bigint[];
    inside_lo bigint[] := ARRAY[]::bigint[];
    inside_hi bigint[] := ARRAY[]::bigint[];
    level_lo bigint[];
    level_hi bigint[];
    best_lo bigint[];
    best_hi bigint[];
    pr double precision;
    shift integer;
    n_ranges integer;
BEGIN
    IF ra_deg = 'NaN'::float8 OR ra_deg IN ('Infinity'::float8, '-Infinity'::float8) THEN
        RAISE EXCEPTION 'cone: ra_deg = % is not finite', ra_deg;
    END IF;
    IF dec_deg = 'NaN'::float8 OR dec_deg < -90 OR dec_deg > 90 THEN
        RAISE EXCEPTION 'cone: dec_deg = % is outside [-90, 90]', dec_deg;
    END IF;
    IF radius_deg = 'NaN'::float8 OR radius_deg <= 0 OR radius_deg >= 180 THEN
        RAISE EXCEPTION 'cone: radius_deg = % must be in (0, 180)', radius_deg;
    END IF;
    IF max_ranges < 1 THEN
        RAISE EXCEPTION 'cone: max_ranges = % must be >= 1', max_ranges;
    END IF;
    cx := cos(radians(dec_deg)) * cos(radians(ra_deg));
    cy := cos(radians(dec_deg)) * sin(radians(ra_deg));
    cz := sin(radians(dec_deg));
    r := radians(radius_deg);
    LOOP
        pr := healpix_max_pixrad(d);
        shift := 2 * (29 - d);
        -- Classify this level's candidates by the distance of their centre to the cone's centre.
        WITH c AS (
            SELECT p, 2 * asin(least(1.0, sqrt((v.x - cx) ^ 2 + (v.y - cy) ^ 2 + (v.z - cz) ^ 2) / 2)) AS dist
            FROM unnest(candidates) AS p, LATERAL healpix_nested_center_vec(d, p) AS v
        )
        SELECT coalesce(array_agg(p) FILTER (WHERE dist <= r + pr AND dist > r - pr), ARRAY[]::bigint[]),
               inside_lo || coalesce(array_agg(p << shift) FILTER (WHERE dist <= r - pr), ARRAY[]::bigint[]),
               inside_hi || coalesce(array_agg((p + 1) << shift) FILTER (WHERE dist <= r - pr), ARRAY[]::bigint[])
        INTO partial, inside_lo, inside_hi
        FROM c;
        -- This level's coverage: the whole-inside pixels so far plus the partial ones, merged.
        WITH raw AS (
            SELECT l, h FROM unnest(inside_lo, inside_hi) AS t(l, h)
            UNION ALL
            SELECT p << shift, (p + 1) << shift FROM unnest(partial) AS p
        ), ordered AS (
            SELECT l, h, max(h) OVER (ORDER BY l ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_hi FROM raw
        ), grouped AS (
            SELECT l, h, sum(CASE WHEN prev_hi IS NULL OR l > prev_hi THEN 1 ELSE 0 END) OVER (ORDER BY l) AS g FROM ordered
        ), merged AS (
            SELECT min(l) AS ml, max(h) AS mh FROM grouped GROUP BY g
        )
        SELECT coalesce(array_agg(ml ORDER BY ml), ARRAY[]::bigint[]), coalesce(array_agg(mh ORDER BY ml), ARRAY[]::bigint[])
        INTO level_lo, level_hi FROM merged;
        n_ranges := coalesce(array_length(level_lo, 1), 0);
        IF n_ranges > max_ranges AND best_lo IS NOT NULL THEN
            EXIT;
        END IF;
        best_lo := level_lo;
        best_hi := level_hi;
        -- Stop when the pixels are small beside the cone (finer adds ranges, not precision) or nothing is left to split.
        EXIT WHEN d = 29 OR cardinality(partial) = 0 OR pr < r / 8 OR n_ranges > max_ranges;
        candidates := ARRAY(SELECT (p << 2) + k FROM unnest(partial) AS p, generate_series(0, 3) AS k);
        d := d + 1;
    END LOOP;
    RETURN QUERY SELECT * FROM unnest(best_lo, best_hi);
END;
$$;
