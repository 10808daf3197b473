-- q8 as a DuckDB batch query: TUMBLE(…, 10 s) as 10-second buckets.
SELECT P.id, P.name, P.starttime
FROM (
  SELECT id, name, time_bucket(INTERVAL '10 seconds', date_time) AS starttime
  FROM person GROUP BY ALL
) P
JOIN (
  SELECT seller, time_bucket(INTERVAL '10 seconds', date_time) AS starttime
  FROM auction GROUP BY ALL
) A ON P.id = A.seller AND P.starttime = A.starttime;
