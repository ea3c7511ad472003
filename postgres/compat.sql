-- DuckDB compatibility, schema version 1: the functions, aggregates and
-- operators that let the features SQL (written in DuckDB's dialect, see
-- package features) run on PostgreSQL unchanged but for the few rewrites of
-- dialect.go. Open creates them in the workspace's schema, beside its
-- tables.
--
-- Two kinds of object live here:
--
--   - functions PostgreSQL lacks (arg_max, arg_min, date_diff, month, ...);
--     they are found through any search_path that names the schema;
--   - overrides of built-ins whose result differs from DuckDB's (the "/" of
--     integers, avg and the variances of integers). PostgreSQL searches
--     pg_catalog first unless the search_path names it later, so these take
--     effect only under the DuckDB dialect's search_path, `<schema>,
--     pg_catalog`, which Build and Scan set for their own transaction; every
--     other query of the store sees PostgreSQL's own semantics.
--
-- Bodies are SQL-standard (RETURN ...) where possible: they are parsed here,
-- once, so they do not depend on the caller's search_path, and PostgreSQL
-- inlines them.

-- date_diff(part, a, b): the number of part boundaries between a and b, as
-- DuckDB counts them (date_diff('day', '2024-01-01 23:00', '2024-01-02
-- 01:00') is 1: whole calendar days, not 24-hour periods). Parts: year,
-- quarter, month, week (calendar days / 7, truncated), day, hour, minute,
-- second; any other part is an error.
CREATE FUNCTION _duck_unsupported(fn text, arg text) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RAISE EXCEPTION '%: unsupported argument %', fn, arg USING ERRCODE = 'invalid_parameter_value';
END $$;

CREATE FUNCTION date_diff(part text, a timestamp, b timestamp) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE lower(part)
    WHEN 'day' THEN CAST(b AS date) - CAST(a AS date)
    WHEN 'days' THEN CAST(b AS date) - CAST(a AS date)
    WHEN 'year' THEN CAST(extract(year FROM b) - extract(year FROM a) AS bigint)
    WHEN 'quarter' THEN CAST((extract(year FROM b) * 4 + extract(quarter FROM b)) - (extract(year FROM a) * 4 + extract(quarter FROM a)) AS bigint)
    WHEN 'month' THEN CAST((extract(year FROM b) * 12 + extract(month FROM b)) - (extract(year FROM a) * 12 + extract(month FROM a)) AS bigint)
    WHEN 'week' THEN (CAST(b AS date) - CAST(a AS date)) / 7
    WHEN 'hour' THEN CAST(extract(epoch FROM date_trunc('hour', b) - date_trunc('hour', a)) AS bigint) / 3600
    WHEN 'minute' THEN CAST(extract(epoch FROM date_trunc('minute', b) - date_trunc('minute', a)) AS bigint) / 60
    WHEN 'second' THEN CAST(extract(epoch FROM date_trunc('second', b) - date_trunc('second', a)) AS bigint)
    ELSE _duck_unsupported('date_diff', part)
END;

CREATE FUNCTION date_diff(part text, a date, b date) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN date_diff(part, CAST(a AS timestamp), CAST(b AS timestamp));

-- Date parts as DuckDB's functions return them (bigint).
CREATE FUNCTION year(t timestamp) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN CAST(extract(year FROM t) AS bigint);
CREATE FUNCTION year(t date) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN CAST(extract(year FROM t) AS bigint);
CREATE FUNCTION quarter(t timestamp) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN CAST(extract(quarter FROM t) AS bigint);
CREATE FUNCTION quarter(t date) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN CAST(extract(quarter FROM t) AS bigint);
CREATE FUNCTION month(t timestamp) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN CAST(extract(month FROM t) AS bigint);
CREATE FUNCTION month(t date) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN CAST(extract(month FROM t) AS bigint);
CREATE FUNCTION day(t timestamp) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN CAST(extract(day FROM t) AS bigint);
CREATE FUNCTION day(t date) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN CAST(extract(day FROM t) AS bigint);
CREATE FUNCTION hour(t timestamp) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN CAST(extract(hour FROM t) AS bigint);
-- dayofweek: Sunday = 0 ... Saturday = 6.
CREATE FUNCTION dayofweek(t timestamp) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN CAST(extract(dow FROM t) AS bigint);
CREATE FUNCTION dayofweek(t date) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN CAST(extract(dow FROM t) AS bigint);

-- any_value(x): some non-NULL x of the group (PostgreSQL 16 has it built in).
CREATE FUNCTION _duck_any_value_sf(s anyelement, v anyelement) RETURNS anyelement
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT s';
CREATE AGGREGATE any_value(anyelement) (SFUNC = _duck_any_value_sf, STYPE = anyelement, COMBINEFUNC = _duck_any_value_sf, PARALLEL = SAFE);

-- arg_max(v, k) and arg_min(v, k): v of the row with the largest (smallest)
-- k, as in DuckDB: rows where v or k is NULL are skipped, NULL when no row
-- is left; on ties the first row seen wins (DuckDB leaves ties unspecified).
-- PostgreSQL has no polymorphic composite state, so there is one aggregate
-- per pair of value and key types; other types resolve to these through
-- implicit casts (varchar to text, numeric to double precision, ...).
DO $compat$
DECLARE
    sch text := quote_ident(current_schema());
    vt text;
    kt text;
    suffix text;
    st text;
BEGIN
    FOREACH vt IN ARRAY ARRAY['text', 'double precision', 'bigint', 'integer', 'boolean', 'timestamp', 'date', 'text[]'] LOOP
        FOREACH kt IN ARRAY ARRAY['timestamp', 'date', 'bigint', 'integer', 'double precision'] LOOP
            suffix := replace(replace(vt, ' precision', ''), '[]', '_list') || '_' || replace(kt, ' precision', '');
            st := sch || '._duck_arg_' || suffix;
            EXECUTE format('CREATE TYPE %s AS (v %s, k %s)', st, vt, kt);
            EXECUTE format($f$CREATE FUNCTION %1$s._duck_arg_max_sf(s %2$s, v %3$s, k %4$s) RETURNS %2$s
                LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS 'BEGIN
                    IF v IS NULL OR k IS NULL OR (s IS NOT NULL AND k <= s.k) THEN RETURN s; END IF;
                    RETURN ROW(v, k);
                END'$f$, sch, st, vt, kt);
            EXECUTE format($f$CREATE FUNCTION %1$s._duck_arg_min_sf(s %2$s, v %3$s, k %4$s) RETURNS %2$s
                LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS 'BEGIN
                    IF v IS NULL OR k IS NULL OR (s IS NOT NULL AND k >= s.k) THEN RETURN s; END IF;
                    RETURN ROW(v, k);
                END'$f$, sch, st, vt, kt);
            EXECUTE format($f$CREATE FUNCTION %1$s._duck_arg_max_cf(a %2$s, b %2$s) RETURNS %2$s
                LANGUAGE sql IMMUTABLE PARALLEL SAFE
                RETURN CASE WHEN a IS NULL THEN b WHEN b IS NULL OR (b).k <= (a).k THEN a ELSE b END$f$, sch, st);
            EXECUTE format($f$CREATE FUNCTION %1$s._duck_arg_min_cf(a %2$s, b %2$s) RETURNS %2$s
                LANGUAGE sql IMMUTABLE PARALLEL SAFE
                RETURN CASE WHEN a IS NULL THEN b WHEN b IS NULL OR (b).k >= (a).k THEN a ELSE b END$f$, sch, st);
            EXECUTE format($f$CREATE FUNCTION %1$s._duck_arg_value(s %2$s) RETURNS %3$s
                LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN (s).v$f$, sch, st, vt);
            EXECUTE format($f$CREATE AGGREGATE %1$s.arg_max(%3$s, %4$s) (SFUNC = %1$s._duck_arg_max_sf, STYPE = %2$s,
                FINALFUNC = %1$s._duck_arg_value, COMBINEFUNC = %1$s._duck_arg_max_cf, PARALLEL = SAFE)$f$, sch, st, vt, kt);
            EXECUTE format($f$CREATE AGGREGATE %1$s.arg_min(%3$s, %4$s) (SFUNC = %1$s._duck_arg_min_sf, STYPE = %2$s,
                FINALFUNC = %1$s._duck_arg_value, COMBINEFUNC = %1$s._duck_arg_min_cf, PARALLEL = SAFE)$f$, sch, st, vt, kt);
        END LOOP;
    END LOOP;
END
$compat$;

-- Division, overridden under the DuckDB dialect's search_path. DuckDB's "/"
-- of two integers or decimals is a double precision division (7 / 2 is
-- 3.5; PostgreSQL's is 3, and 7.5 / 2 is numeric), and a division by zero
-- gives Infinity, -Infinity or NaN where PostgreSQL raises an error (a zero
-- divisor is taken as +0).
CREATE FUNCTION _duck_div0(a double precision) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN a > 0 THEN CAST('Infinity' AS double precision)
            WHEN a < 0 THEN CAST('-Infinity' AS double precision)
            ELSE CAST('NaN' AS double precision) END;

DO $compat$
DECLARE
    sch text := quote_ident(current_schema());
    l text;
    r text;
BEGIN
    FOREACH l IN ARRAY ARRAY['smallint', 'integer', 'bigint', 'numeric', 'double precision'] LOOP
        FOREACH r IN ARRAY ARRAY['smallint', 'integer', 'bigint', 'numeric', 'double precision'] LOOP
            -- Other mixes resolve to numeric / numeric or double / double.
            CONTINUE WHEN l IN ('numeric', 'double precision') AND r <> l OR r IN ('numeric', 'double precision') AND r <> l;
            EXECUTE format($f$CREATE FUNCTION %1$s._duck_div(a %2$s, b %3$s) RETURNS double precision
                LANGUAGE sql IMMUTABLE PARALLEL SAFE
                RETURN CASE WHEN b = 0 THEN %1$s._duck_div0(CAST(a AS double precision))
                            ELSE CAST(a AS double precision) OPERATOR(pg_catalog./) CAST(b AS double precision) END$f$, sch, l, r);
            EXECUTE format('CREATE OPERATOR %1$s./ (LEFTARG = %2$s, RIGHTARG = %3$s, FUNCTION = %1$s._duck_div)', sch, l, r);
        END LOOP;
    END LOOP;
END
$compat$;

-- avg and the variances of integers, overridden under the DuckDB dialect's
-- search_path: DuckDB returns double precision, PostgreSQL numeric. They
-- use PostgreSQL's own double precision state and final functions.
DO $compat$
DECLARE
    sch text := quote_ident(current_schema());
    t text;
    agg text[];
BEGIN
    FOREACH t IN ARRAY ARRAY['smallint', 'integer', 'bigint'] LOOP
        EXECUTE format($f$CREATE FUNCTION %1$s._duck_float8_accum(s double precision[], v %2$s) RETURNS double precision[]
            LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS
            'BEGIN RETURN pg_catalog.float8_accum(s, CAST(v AS double precision)); END'$f$, sch, t);
        FOREACH agg SLICE 1 IN ARRAY ARRAY[
            ['avg', 'float8_avg'], ['stddev_pop', 'float8_stddev_pop'], ['stddev_samp', 'float8_stddev_samp'],
            ['stddev', 'float8_stddev_samp'], ['var_pop', 'float8_var_pop'], ['var_samp', 'float8_var_samp'],
            ['variance', 'float8_var_samp']] LOOP
            EXECUTE format($f$CREATE AGGREGATE %1$s.%2$s(%3$s) (SFUNC = %1$s._duck_float8_accum, STYPE = double precision[],
                INITCOND = '{0,0,0}', FINALFUNC = pg_catalog.%4$s, COMBINEFUNC = pg_catalog.float8_combine, PARALLEL = SAFE)$f$,
                sch, agg[1], t, agg[2]);
        END LOOP;
    END LOOP;
END
$compat$;

-- len(list) and len(string), as DuckDB's (bigint).
CREATE FUNCTION len(l anyarray) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT CAST(cardinality(l) AS bigint)';
CREATE FUNCTION len(s text) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN char_length(s);

-- quantile_cont(x, q): the q-quantile of the non-NULL x, interpolated as
-- DuckDB does (position q·(n-1) of the sorted values, linear between its
-- neighbours); NULL when there is none. An aggregate, not an ordered-set
-- one as percentile_cont, so that it also runs as a window function
-- (quantile_cont(x, 0.9) OVER ()). The state is q followed by the values.
CREATE FUNCTION _duck_quantile_sf(s double precision[], v double precision, q double precision) RETURNS double precision[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    IF s IS NULL THEN
        s := ARRAY[q];
    END IF;
    IF v IS NOT NULL THEN
        s[cardinality(s) + 1] := v;
    END IF;
    RETURN s;
END $$;

CREATE FUNCTION _duck_quantile_cont_ff(s double precision[]) RETURNS double precision
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    v double precision[];
    pos double precision;
    lo bigint;
    hi bigint;
BEGIN
    IF s IS NULL OR cardinality(s) < 2 THEN
        RETURN NULL;
    END IF;
    SELECT array_agg(x ORDER BY x) INTO v FROM unnest(s[2:]) AS x;
    pos := s[1] * (cardinality(v) - 1);
    lo := floor(pos);
    hi := ceil(pos);
    IF lo = hi THEN
        RETURN v[lo + 1];
    END IF;
    RETURN v[lo + 1] + (v[hi + 1] - v[lo + 1]) * (pos - lo);
END $$;

CREATE AGGREGATE quantile_cont(double precision, double precision) (SFUNC = _duck_quantile_sf,
    STYPE = double precision[], FINALFUNC = _duck_quantile_cont_ff);
