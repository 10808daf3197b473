-- q11 as a DuckDB batch query: SESSION(bid, date_time, 10 s) per bidder as gaps and islands.
-- A bid starts a new session when it comes more than 10 seconds after the bidder's previous
-- one (sessions [t, t + gap) that touch merge, as Flink's); a session ends 10 seconds after
-- its last bid.
WITH marked AS (
  SELECT bidder, date_time,
         CASE WHEN date_time - lag(date_time) OVER (PARTITION BY bidder ORDER BY date_time)
                   <= INTERVAL '10 seconds' THEN 0 ELSE 1 END AS starts
  FROM bid
), numbered AS (
  SELECT bidder, date_time,
         sum(starts) OVER (PARTITION BY bidder ORDER BY date_time ROWS UNBOUNDED PRECEDING) AS session
  FROM marked
)
SELECT bidder, count(*) AS bid_count, min(date_time) AS window_start,
       max(date_time) + INTERVAL '10 seconds' AS window_end
FROM numbered
GROUP BY bidder, session;
