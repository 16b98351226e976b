-- The bids of a home-care tender, kept in the database and scored there by
-- rules.svl through the SVL extension (svl_sqlite.c).  From this directory:
--   sqlite3 -cmd '.load ./svl_sqlite' :memory: <bids.sql
-- expected.out is what it prints (tests/cli/embed_sqlite.t checks it).

CREATE TABLE bids (
  id INTEGER PRIMARY KEY,
  supplier TEXT NOT NULL,
  bid TEXT NOT NULL -- JSON: amounts as exact decimal numbers
);
INSERT INTO bids (supplier, bid) VALUES
  ('Acme Care Ltd', '{"price": 412000.00, "quality": "good", "insured": true, "hours": 20000}'),
  ('Brightside Homecare', '{"price": 389500.50, "quality": "excellent", "insured": true, "hours": 19000}'),
  ('Carewell Partnership', '{"price": 455000, "quality": "excellent", "insured": false, "hours": 21000}'),
  ('Dove Support CIC', '{"price": 340000, "quality": "adequate", "insured": true, "hours": 18000}');

.headers on
.mode list

-- The call the extension exists for: every row scored, exactly.
SELECT supplier, svl_call('rules.svl', 'total', json(bid)) AS total FROM bids ORDER BY id;

-- Eligibility: a verdict comes back as JSON, for SQLite's JSON functions.
SELECT supplier,
       json_extract(v, '$.passed') AS eligible,
       json_extract(v, '$.reasons') AS reasons
FROM (SELECT id, supplier, svl_call('rules.svl', 'eligible', json(bid)) AS v FROM bids)
ORDER BY id;

-- The ranking of eligible bids, the lowest eligible price as the benchmark
-- (a second argument) and the breakdown of each score as JSON.  Scores
-- are exact decimal TEXT: order by them as numbers.
WITH eligible AS (
  SELECT * FROM bids
  WHERE json_extract(svl_call('rules.svl', 'eligible', json(bid)), '$.passed')
), benchmark AS (
  SELECT min(json_extract(bid, '$.price')) AS price FROM eligible
)
SELECT rank() OVER (ORDER BY CAST(total AS REAL) DESC) AS rank, supplier, total, breakdown
FROM (
  SELECT supplier,
         svl_call('rules.svl', 'total', json(bid), (SELECT price FROM benchmark)) AS total,
         svl_call('rules.svl', 'breakdown', json(bid)) AS breakdown
  FROM eligible
)
ORDER BY rank;

-- Exact arithmetic: the price per hour of care, and NULL for null.
SELECT supplier, svl_call('rules.svl', 'hourly', json(bid)) AS per_hour,
       svl_call('rules.svl', 'note', json(bid)) IS NULL AS insured
FROM bids ORDER BY id;
