-- HEALPix NESTED position-to-pixel on the server, identical to the C# HealpixNested.Hash (and to healpy.ang2pix
-- with nest=True, lonlat=True): the same floating-point path, theta = pi/2 - radians(dec_deg), phi = radians(ra_deg),
-- then healpix_cxx's loc2pix. Lets any client compute pixelId, e.g.
--   UPDATE ... SET "pixelId" = healpix_nested_hash(29, ra_deg, dec_deg)
CREATE OR REPLACE FUNCTION healpix_spread_bits(v bigint)
RETURNS bigint
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
    x bigint := v;
BEGIN
    -- Morton interleave of one coordinate (< 2^29): bit k moves to bit 2k.
    x := (x | (x << 16)) & x'0000FFFF0000FFFF'::bit(64)::bigint;
    x := (x | (x << 8)) & x'00FF00FF00FF00FF'::bit(64)::bigint;
    x := (x | (x << 4)) & x'0F0F0F0F0F0F0F0F'::bit(64)::bigint;
    x := (x | (x << 2)) & x'3333333333333333'::bit(64)::bigint;
    x := (x | (x << 1)) & x'5555555555555555'::bit(64)::bigint;
    RETURN x;
END;
$$;

-- healpix_cxx fmodulo: a non-negative remainder. Exact for the ranges angles take here (Sterbenz), as C's fmod is.
CREATE OR REPLACE FUNCTION healpix_fmodulo(v1 double precision, v2 double precision)
RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
    tmp double precision;
BEGIN
    IF v1 >= 0 THEN
        IF v1 < v2 THEN
            RETURN v1;
        ELSIF v1 < 2 * v2 THEN
            RETURN v1 - v2;
        END IF;
        RETURN v1 - v2 * floor(v1 / v2);
    END IF;
    IF v1 > -v2 THEN
        tmp := v1 + v2;
    ELSE
        tmp := (v1 - v2 * trunc(v1 / v2)) + v2;
    END IF;
    IF tmp = v2 THEN
        RETURN 0;
    END IF;
    RETURN tmp;
END;
$$;

CREATE OR REPLACE FUNCTION healpix_nested_hash(depth integer, ra_deg double precision, dec_deg double precision)
RETURNS bigint
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
    nside bigint;
    theta double precision;
    phi double precision;
    z double precision;
    za double precision;
    sth double precision := 0;
    have_sth boolean;
    tt double precision;
    temp1 double precision;
    temp2 double precision;
    jp bigint;
    jm bigint;
    ifp bigint;
    ifm bigint;
    face bigint;
    ix bigint;
    iy bigint;
    ntt integer;
    tp double precision;
    tmp double precision;
BEGIN
    IF depth < 0 OR depth > 29 THEN
        RAISE EXCEPTION 'healpix_nested_hash: depth = % is outside [0, 29]', depth;
    END IF;
    IF ra_deg = 'NaN'::float8 OR ra_deg IN ('Infinity'::float8, '-Infinity'::float8) THEN
        RAISE EXCEPTION 'healpix_nested_hash: ra_deg = % is not finite', ra_deg;
    END IF;
    IF dec_deg = 'NaN'::float8 OR dec_deg < -90 OR dec_deg > 90 THEN
        RAISE EXCEPTION 'healpix_nested_hash: dec_deg = % is outside [-90, 90]', dec_deg;
    END IF;
    -- PostgreSQL raises an error where C silently underflows to zero: a subnormal RA hashes as 0, as it does in C#.
    IF abs(ra_deg) < 1e-300 THEN
        ra_deg := 0;
    END IF;
    nside := 1::bigint << depth;
    theta := pi() / 2.0 - dec_deg * (pi() / 180.0);
    phi := healpix_fmodulo(ra_deg * (pi() / 180.0), 2.0 * pi());
    z := cos(theta);
    have_sth := theta < 0.01 OR theta > 3.14159 - 0.01;
    IF have_sth THEN
        sth := sin(theta);
    END IF;
    za := abs(z);
    tt := healpix_fmodulo(phi * 0.6366197723675813430755350534900574, 4.0);
    IF za <= 2.0 / 3.0 THEN
        temp1 := nside * (0.5 + tt);
        temp2 := nside * (z * 0.75);
        jp := trunc(temp1 - temp2)::bigint;
        jm := trunc(temp1 + temp2)::bigint;
        ifp := jp >> depth;
        ifm := jm >> depth;
        IF ifp = ifm THEN
            face := ifp | 4;
        ELSIF ifp < ifm THEN
            face := ifp;
        ELSE
            face := ifm + 8;
        END IF;
        ix := jm & (nside - 1);
        iy := nside - (jp & (nside - 1)) - 1;
    ELSE
        ntt := least(3, trunc(tt)::integer);
        tp := tt - ntt;
        IF za < 0.99 OR NOT have_sth THEN
            tmp := nside * sqrt(3 * (1 - za));
        ELSE
            tmp := nside * sth / sqrt((1.0 + za) / 3.0);
        END IF;
        jp := least(trunc(tp * tmp)::bigint, nside - 1);
        jm := least(trunc((1.0 - tp) * tmp)::bigint, nside - 1);
        IF z >= 0 THEN
            face := ntt;
            ix := nside - jm - 1;
            iy := nside - jp - 1;
        ELSE
            face := ntt + 8;
            ix := jp;
            iy := jm;
        END IF;
    END IF;
    RETURN (face << (2 * depth)) + healpix_spread_bits(ix) + (healpix_spread_bits(iy) << 1);
END;
$$;
