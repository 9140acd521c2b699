"""The peer: read the image with astropy and run SEP's sum_circle at the same positions, as one process.
Usage: sep_bench.py IMAGE POSITIONS RADIUS OUT [--background]   (prints seconds spent inside, for reference)"""
import sys, time
t0 = time.perf_counter()
import numpy as np
import sep
from astropy.io import fits
image, positions, radius, out = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
data = fits.getdata(image).astype(np.float32)
data = data.byteswap().view(data.dtype.newbyteorder()) if data.dtype.byteorder == '>' else data
pos = np.loadtxt(positions, delimiter=",", skiprows=1, ndmin=2)
err = None
if "--background" in sys.argv:
    bkg = sep.Background(data)
    data = data - bkg.back()
    err = bkg.globalrms
flux, ferr, flag = sep.sum_circle(data, pos[:, 1], pos[:, 2], radius, err=err)
np.savetxt(out, np.column_stack([pos[:, 0], flux, ferr, flag]), delimiter=",", header="id,flux,fluxErr,flags", comments="", fmt="%.9g")
print(f"{time.perf_counter() - t0:.3f}")
