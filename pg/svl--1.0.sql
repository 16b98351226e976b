-- CREATE EXTENSION svl (docs/postgresql.md).  Every function takes the rule
-- text, the name of a top-level fn, rule, table or let in it, and the
-- arguments (any of numeric, integer, text, boolean, date, jsonb, json).
-- They are IMMUTABLE: the rules can read no file, clock or environment, so
-- the same text, name and arguments give the same result; PARALLEL SAFE:
-- each process compiles the text into its own VM.  Not STRICT: an SQL NULL
-- argument is SVL's null; a NULL rules or name gives NULL.  COST 50: a
-- call of the benchmark's rules costs about what 40 to 50 numeric
-- operators do (tests/bench/pg.sh), so the planner evaluates cheaper
-- conditions of a WHERE first and weighs parallel plans by what the calls
-- really cost (the default for a C function is 1, one operator).
\echo Use "CREATE EXTENSION svl" to load this file. \quit

-- The rule text and the name are of two types of their own, each text
-- underneath (cast implicitly from text and varchar, so a literal or a
-- text column is given as it is) but with no collation: postgres_fdw ships
-- a function call to a remote server only when every collation its inputs
-- use comes from a column of the foreign table, and a text literal's
-- default collation does not (docs/postgresql.md, "Across nodes").
CREATE TYPE svl_rules;
CREATE FUNCTION svl_rules_in(cstring) RETURNS svl_rules AS 'textin' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svl_rules_out(svl_rules) RETURNS cstring AS 'textout' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svl_rules_recv(internal) RETURNS svl_rules AS 'textrecv' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svl_rules_send(svl_rules) RETURNS bytea AS 'textsend' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE svl_rules (INPUT = svl_rules_in, OUTPUT = svl_rules_out, RECEIVE = svl_rules_recv,
  SEND = svl_rules_send, LIKE = text, CATEGORY = 'S');
COMMENT ON TYPE svl_rules IS 'The text of SVL rules (text without a collation)';
CREATE CAST (text AS svl_rules) WITHOUT FUNCTION AS IMPLICIT;
CREATE CAST (varchar AS svl_rules) WITHOUT FUNCTION AS IMPLICIT;
CREATE CAST (svl_rules AS text) WITHOUT FUNCTION AS ASSIGNMENT;

CREATE TYPE svl_name;
CREATE FUNCTION svl_name_in(cstring) RETURNS svl_name AS 'textin' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svl_name_out(svl_name) RETURNS cstring AS 'textout' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svl_name_recv(internal) RETURNS svl_name AS 'textrecv' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION svl_name_send(svl_name) RETURNS bytea AS 'textsend' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE svl_name (INPUT = svl_name_in, OUTPUT = svl_name_out, RECEIVE = svl_name_recv,
  SEND = svl_name_send, LIKE = text, CATEGORY = 'S');
COMMENT ON TYPE svl_name IS 'A top-level name of SVL rules (text without a collation)';
CREATE CAST (text AS svl_name) WITHOUT FUNCTION AS IMPLICIT;
CREATE CAST (varchar AS svl_name) WITHOUT FUNCTION AS IMPLICIT;
CREATE CAST (svl_name AS text) WITHOUT FUNCTION AS ASSIGNMENT;

CREATE TYPE svl_verdict AS (passed boolean, reasons text[], warnings text[]);
COMMENT ON TYPE svl_verdict IS 'The result of an SVL rule: passed, and the reasons it failed';

CREATE FUNCTION svl_call(rules svl_rules, name svl_name, VARIADIC args "any") RETURNS jsonb
  AS 'MODULE_PATHNAME', 'pg_svl_call' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 50;
CREATE FUNCTION svl_call(rules svl_rules, name svl_name) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'pg_svl_call' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 50;
COMMENT ON FUNCTION svl_call(svl_rules, svl_name, "any") IS 'Call an SVL name; any result as jsonb (SVL''s JSON)';

CREATE FUNCTION svl_numeric(rules svl_rules, name svl_name, VARIADIC args "any") RETURNS numeric
  AS 'MODULE_PATHNAME', 'pg_svl_numeric' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 50;
CREATE FUNCTION svl_numeric(rules svl_rules, name svl_name) RETURNS numeric
  AS 'MODULE_PATHNAME', 'pg_svl_numeric' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 50;
COMMENT ON FUNCTION svl_numeric(svl_rules, svl_name, "any") IS 'Call an SVL name returning a number: its exact decimal';

CREATE FUNCTION svl_bool(rules svl_rules, name svl_name, VARIADIC args "any") RETURNS boolean
  AS 'MODULE_PATHNAME', 'pg_svl_bool' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 50;
CREATE FUNCTION svl_bool(rules svl_rules, name svl_name) RETURNS boolean
  AS 'MODULE_PATHNAME', 'pg_svl_bool' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 50;
COMMENT ON FUNCTION svl_bool(svl_rules, svl_name, "any") IS 'Call an SVL name returning a bool, or a rule: whether it passed';

CREATE FUNCTION svl_text(rules svl_rules, name svl_name, VARIADIC args "any") RETURNS text
  AS 'MODULE_PATHNAME', 'pg_svl_text' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 50;
CREATE FUNCTION svl_text(rules svl_rules, name svl_name) RETURNS text
  AS 'MODULE_PATHNAME', 'pg_svl_text' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 50;
COMMENT ON FUNCTION svl_text(svl_rules, svl_name, "any") IS 'Call an SVL name; a text as it is, any other value as SVL displays it';

CREATE FUNCTION svl_verdict(rules svl_rules, name svl_name, VARIADIC args "any") RETURNS svl_verdict
  AS 'MODULE_PATHNAME', 'pg_svl_verdict' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 50;
CREATE FUNCTION svl_verdict(rules svl_rules, name svl_name) RETURNS svl_verdict
  AS 'MODULE_PATHNAME', 'pg_svl_verdict' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 50;
COMMENT ON FUNCTION svl_verdict(svl_rules, svl_name, "any") IS 'Call an SVL rule: passed, reasons and warnings';

CREATE FUNCTION svl_version() RETURNS text
  AS 'MODULE_PATHNAME', 'pg_svl_version' LANGUAGE C IMMUTABLE PARALLEL SAFE STRICT;
COMMENT ON FUNCTION svl_version() IS 'The version of the SVL library in the extension';
