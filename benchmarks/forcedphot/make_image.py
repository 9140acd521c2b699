"""Writes a simulated image with astropy: Gaussian-PSF stars on a flat sky, Poisson + read noise, a TAN WCS, MAGZERO,
and a positions CSV (stars and blank-sky positions) with the truth. Usage:
  make_image.py --size 4096 --stars 15000 --blank 5000 --fwhm 3.5 --seed 1 --out DIR"""
import argparse, os
import numpy as np
from math import erf, sqrt
from astropy.io import fits
from astropy.wcs import WCS

p = argparse.ArgumentParser()
p.add_argument("--size", type=int, default=4096)
p.add_argument("--stars", type=int, default=15000)
p.add_argument("--blank", type=int, default=5000)
p.add_argument("--fwhm", type=float, default=3.5)
p.add_argument("--sky", type=float, default=500.0)
p.add_argument("--seed", type=int, default=1)
p.add_argument("--out", required=True)
a = p.parse_args()
rng = np.random.default_rng(a.seed)
n = a.size
sigma = a.fwhm / 2.3548200450309493
x = rng.uniform(20, n - 21, a.stars)
y = rng.uniform(20, n - 21, a.stars)
flux = 10 ** rng.uniform(np.log10(300), np.log10(3e5), a.stars)
model = np.zeros((n, n))
h = 12
verf = np.vectorize(erf)
for xi, yi, fi in zip(x, y, flux):
    cx, cy = int(np.floor(xi + 0.5)), int(np.floor(yi + 0.5))
    edges = np.arange(-h, h + 2) - 0.5
    gx = np.diff(0.5 * verf((edges + cx - xi) / (sigma * sqrt(2))))
    gy = np.diff(0.5 * verf((edges + cy - yi) / (sigma * sqrt(2))))
    model[cy - h:cy + h + 1, cx - h:cx + h + 1] += fi * np.outer(gy, gx)
image = rng.poisson(a.sky + model).astype(np.float64) + rng.normal(0, 5.0, (n, n))
w = WCS(naxis=2)
w.wcs.ctype = ["RA---TAN", "DEC--TAN"]
w.wcs.crpix = [n / 2 + 0.5, n / 2 + 0.5]
w.wcs.crval = [150.0, 2.0]
w.wcs.cd = np.array([[-0.2 / 3600, 0], [0, 0.2 / 3600]])
hdr = w.to_header()
hdr["MAGZERO"] = 31.4
hdr["GAIN"] = 1.0
os.makedirs(a.out, exist_ok=True)
fits.PrimaryHDU(image.astype(np.float32), header=hdr).writeto(os.path.join(a.out, "image.fits"), overwrite=True)
bx = rng.uniform(20, n - 21, a.blank)
by = rng.uniform(20, n - 21, a.blank)
with open(os.path.join(a.out, "positions.csv"), "w") as f:
    f.write("id,x,y\n")
    for i in range(a.stars):
        f.write(f"{i},{x[i]!r},{y[i]!r}\n")
    for i in range(a.blank):
        f.write(f"{a.stars + i},{bx[i]!r},{by[i]!r}\n")
with open(os.path.join(a.out, "truth.csv"), "w") as f:
    f.write("id,x,y,flux\n")
    for i in range(a.stars):
        f.write(f"{i},{x[i]!r},{y[i]!r},{flux[i]!r}\n")
    for i in range(a.blank):
        f.write(f"{a.stars + i},{bx[i]!r},{by[i]!r},0.0\n")
