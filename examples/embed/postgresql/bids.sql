-- The home-care tender of examples/embed/sqlite/, in PostgreSQL with
-- CREATE EXTENSION svl (docs/postgresql.md): the same rules.svl, the same
-- bids, scored by one query each.  From this directory:
--   psql -X -A -d DB -f bids.sql
-- expected.out is what it prints (tests/cli/postgresql.t checks it); the
-- numbers are those of the SQLite example, checked by hand there.
\set rules `cat ../sqlite/rules.svl`
CREATE EXTENSION IF NOT EXISTS svl;
CREATE TEMP TABLE bids (
  id serial PRIMARY KEY,
  supplier text NOT NULL,
  price numeric(12,2) NOT NULL,
  quality text NOT NULL,
  insured boolean NOT NULL,
  hours int NOT NULL
);
INSERT INTO bids (supplier, price, quality, insured, hours) VALUES
  ('Acme Care Ltd', 412000.00, 'good', true, 20000),
  ('Brightside Homecare', 389500.50, 'excellent', true, 19000),
  ('Carewell Partnership', 455000, 'excellent', false, 21000),
  ('Dove Support CIC', 340000, 'adequate', true, 18000);

-- Every row scored, exactly: the row goes in as a record.
SELECT supplier, svl_numeric(:'rules', 'total', to_jsonb(b)) AS total FROM bids b ORDER BY id;

-- Eligibility: the verdict with its reasons.
SELECT supplier, (v).passed AS eligible, (v).reasons
FROM (SELECT id, supplier, svl_verdict(:'rules', 'eligible', to_jsonb(b)) AS v FROM bids b) s
ORDER BY id;

-- The ranking of eligible bids, the lowest eligible price as the benchmark
-- (a second argument), and the breakdown of each score as jsonb.
WITH eligible AS (
  SELECT * FROM bids b WHERE svl_bool(:'rules', 'eligible', to_jsonb(b))
), scored AS (
  SELECT supplier, svl_numeric(:'rules', 'total', to_jsonb(e), (SELECT min(price) FROM eligible)) AS total,
         svl_call(:'rules', 'breakdown', to_jsonb(e)) AS breakdown
  FROM eligible e
)
SELECT rank() OVER (ORDER BY total DESC) AS rank, supplier, total, breakdown FROM scored ORDER BY rank;

-- Exact arithmetic: the price per hour of care, and NULL for null.
SELECT supplier, svl_numeric(:'rules', 'hourly', to_jsonb(b)) AS per_hour,
       svl_text(:'rules', 'note', to_jsonb(b)) IS NULL AS insured
FROM bids b ORDER BY id;
