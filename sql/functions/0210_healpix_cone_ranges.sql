-- Cone coverage on the server: the depth-29 pixelId ranges (half-open [lo, hi)) covering every HEALPix pixel that
-- touches the disc, at the finest depth whose merged ranges stay within max_ranges (64, as Rubin's APDB uses).
-- A pixel is kept when the distance from its centre to the cone centre is at most radius + the pixel's maximum
-- radius (an upper bound of centre-to-any-point distance), so no touching pixel is ever missed; a pixel is taken
-- whole, without subdividing, when it lies entirely inside the disc.

-- Inverse of healpix_spread_bits: bit 2k moves to bit k.
CREATE OR REPLACE FUNCTION healpix_compress_bits(v bigint)
RETURNS bigint
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
    x bigint := v & x'5555555555555555'::bit(64)::bigint;
BEGIN
    x := (x | (x >> 1)) & x'3333333333333333'::bit(64)::bigint;
    x := (x | (x >> 2)) & x'0F0F0F0F0F0F0F0F'::bit(64)::bigint;
    x := (x | (x >> 4)) & x'00FF00FF00FF00FF'::bit(64)::bigint;
    x := (x | (x >> 8)) & x'0000FFFF0000FFFF'::bit(64)::bigint;
    x := (x | (x >> 16)) & x'00000000FFFFFFFF'::bit(64)::bigint;
    RETURN x;
END;
$$;

-- The 8 neighbours of a NESTED pixel in healpy's order (SW, W, NW, N, NE, E, SE, S), -1 where none: healpix_cxx's
-- neighbours() through the face tables, as the C# HealpixNested.Neighbours.
CREATE OR REPLACE FUNCTION healpix_nested_neighbours(depth integer, id bigint)
RETURNS bigint[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
    xoff integer[] := ARRAY[-1, -1, 0, 1, 1, 1, 0, -1];
    yoff integer[] := ARRAY[0, 1, 1, 1, 0, -1, -1, -1];
    faces integer[] := ARRAY[
        8, 9, 10, 11, -1, -1, -1, -1, 10, 11, 8, 9,
        5, 6, 7, 4, 8, 9, 10, 11, 9, 10, 11, 8,
        -1, -1, -1, -1, 5, 6, 7, 4, -1, -1, -1, -1,
        4, 5, 6, 7, 11, 8, 9, 10, 11, 8, 9, 10,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
        1, 2, 3, 0, 0, 1, 2, 3, 5, 6, 7, 4,
        -1, -1, -1, -1, 7, 4, 5, 6, -1, -1, -1, -1,
        3, 0, 1, 2, 3, 0, 1, 2, 4, 5, 6, 7,
        2, 3, 0, 1, -1, -1, -1, -1, 0, 1, 2, 3];
    swaps integer[] := ARRAY[0, 0, 3, 0, 0, 6, 0, 0, 0, 0, 0, 5, 0, 0, 0, 5, 0, 0, 0, 0, 0, 6, 0, 0, 3, 0, 0];
    nside bigint := 1::bigint << depth;
    face integer := (id >> (2 * depth))::integer;
    local bigint := id & ((1::bigint << (2 * depth)) - 1);
    ix bigint := healpix_compress_bits(local);
    iy bigint := healpix_compress_bits(local >> 1);
    result bigint[] := ARRAY[]::bigint[];
    x bigint;
    y bigint;
    t bigint;
    nb integer;
    f integer;
    bits integer;
BEGIN
    FOR i IN 1 .. 8 LOOP
        x := ix + xoff[i];
        y := iy + yoff[i];
        nb := 4;
        IF x < 0 THEN
            x := x + nside; nb := nb - 1;
        ELSIF x >= nside THEN
            x := x - nside; nb := nb + 1;
        END IF;
        IF y < 0 THEN
            y := y + nside; nb := nb - 3;
        ELSIF y >= nside THEN
            y := y - nside; nb := nb + 3;
        END IF;
        f := faces[nb * 12 + face + 1];
        IF f < 0 THEN
            result := result || (-1)::bigint;
            CONTINUE;
        END IF;
        bits := swaps[nb * 3 + (face >> 2) + 1];
        IF bits & 1 <> 0 THEN
            x := nside - x - 1;
        END IF;
        IF bits & 2 <> 0 THEN
            y := nside - y - 1;
        END IF;
        IF bits & 4 <> 0 THEN
            t := x; x := y; y := t;
        END IF;
        result := result || ((f::bigint << (2 * depth)) + healpix_spread_bits(x) + (healpix_spread_bits(y) << 1));
    END LOOP;
    RETURN result;
END;
$$;

-- The smallest edge-to-opposite-edge distance of any pixel at a depth, radians (the table cdshealpix publishes;
-- the same values as the C# HealpixNested.MinPixelWidthDeg). A cone narrower than this lies within the pixel of its
-- centre and that pixel's neighbours.
CREATE OR REPLACE FUNCTION healpix_min_pixel_widths()
RETURNS double precision[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT ARRAY[8.410686705679302e-1, 3.7723631722170065e-1, 1.8203364957037313e-1, 8.91145416330163e-2,
        4.3989734509169175e-2, 2.1817362566054977e-2, 1.0854009694242892e-2, 5.409888140793663e-3,
        2.6995833266547898e-3, 1.3481074874673246e-3, 6.735240905806414e-4, 3.365953703015157e-4,
        1.682452196838741e-4, 8.410609042173736e-5, 4.204784317861652e-5, 2.1022283297961136e-5,
        1.0510625670060442e-5, 5.255150320257332e-6, 2.6275239729465538e-6, 1.3137458638808036e-6,
        6.568678535571394e-7, 3.284323270983175e-7, 1.642156595517884e-7, 8.21076709163242e-8,
        4.105378528139296e-8, 2.0526876713226626e-8, 1.0263433216329513e-8, 5.131714858175969e-9,
        2.5658567623093986e-9, 1.2829280665188905e-9]::double precision[];
$$;

CREATE OR REPLACE FUNCTION healpix_min_pixel_width(depth integer)
RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT (healpix_min_pixel_widths())[depth + 1];
$$;

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
    ix := healpix_compress_bits(local);
    iy := healpix_compress_bits(local >> 1);
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

-- Exact angular distance in degrees between two positions: atan2(|a x b|, a . b) (Vincenty's form), accurate at
-- every separation from sub-milliarcsecond to antipodal without clamping. Built only from strict functions, so the
-- planner inlines it into a query's filter (a clamp such as least() is not strict and would stop the inlining: the
-- call then costs ~6 us a row, four times the arithmetic).
CREATE OR REPLACE FUNCTION healpix_angdist_deg(ra1 double precision, dec1 double precision, ra2 double precision, dec2 double precision)
RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT degrees(atan2(
        sqrt(power(cos(radians(dec2)) * sin(radians(ra2 - ra1)), 2)
             + power(cos(radians(dec1)) * sin(radians(dec2)) - sin(radians(dec1)) * cos(radians(dec2)) * cos(radians(ra2 - ra1)), 2)),
        sin(radians(dec1)) * sin(radians(dec2)) + cos(radians(dec1)) * cos(radians(dec2)) * cos(radians(ra2 - ra1))));
$$;

CREATE OR REPLACE FUNCTION healpix_cone_ranges(ra_deg double precision, dec_deg double precision, radius_deg double precision, max_ranges integer DEFAULT 64)
RETURNS TABLE (lo bigint, hi bigint)
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE ROWS 16
AS $$
DECLARE
    cx double precision;
    cy double precision;
    cz double precision;
    r double precision;
    d integer := -1;
    p bigint;
    v record;
    dist double precision;
    candidates bigint[];
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
    widths double precision[] := healpix_min_pixel_widths();
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

    -- Start at the deepest depth whose narrowest pixel is wider than the cone (with a 10 % margin): the cone then
    -- lies within its centre's pixel and that pixel's neighbours. Wider cones start from the 12 base pixels.
    FOR k IN REVERSE 29 .. 0 LOOP
        IF r * 1.1 < widths[k + 1] THEN
            d := k;
            EXIT;
        END IF;
    END LOOP;
    IF d >= 0 THEN
        p := healpix_nested_hash(d, ra_deg, dec_deg);
        candidates := ARRAY(SELECT DISTINCT n FROM unnest(p || healpix_nested_neighbours(d, p)) AS n WHERE n >= 0);
    ELSE
        d := 0;
        candidates := ARRAY[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]::bigint[];
    END IF;

    LOOP
        pr := healpix_max_pixrad(d);
        shift := 2 * (29 - d);
        partial := ARRAY[]::bigint[];
        -- A pixel whose centre is within r - pr of the cone's centre lies inside it; within r + pr it may touch it.
        FOREACH p IN ARRAY candidates LOOP
            v := healpix_nested_center_vec(d, p);
            dist := 2 * asin(least(1.0, sqrt((v.x - cx) ^ 2 + (v.y - cy) ^ 2 + (v.z - cz) ^ 2) / 2));
            IF dist <= r - pr THEN
                inside_lo := inside_lo || (p << shift);
                inside_hi := inside_hi || ((p + 1) << shift);
            ELSIF dist <= r + pr THEN
                partial := partial || p;
            END IF;
        END LOOP;
        -- This level's coverage: the inside pixels so far plus the partial ones, merged into ranges.
        WITH raw AS (
            SELECT l, h FROM unnest(inside_lo, inside_hi) AS t(l, h)
            UNION ALL
            SELECT q << shift, (q + 1) << shift FROM unnest(partial) AS q
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
        -- Stop when the pixels are small beside the cone (finer adds ranges and work, not much precision).
        EXIT WHEN d = 29 OR cardinality(partial) = 0 OR pr < r / 4 OR n_ranges > max_ranges;
        candidates := ARRAY(SELECT (q << 2) + k FROM unnest(partial) AS q, generate_series(0, 3) AS k);
        d := d + 1;
    END LOOP;
    RETURN QUERY SELECT * FROM unnest(best_lo, best_hi);
END;
$$;
