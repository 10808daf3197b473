-- q5 as a DuckDB batch query: HOP(bid, date_time, 2 s, 10 s) spelled out: each bid is in the
-- 5 windows starting at its 2-second bucket and the 4 buckets before it.
WITH hop AS (
  SELECT b.auction, time_bucket(INTERVAL '2 seconds', b.date_time) - to_seconds(2 * k) AS window_start
  FROM bid b CROSS JOIN range(5) r(k)
)
SELECT AuctionBids.auction, AuctionBids.num
FROM (
  SELECT auction, count(*) AS num, window_start AS starttime FROM hop GROUP BY window_start, auction
) AS AuctionBids
JOIN (
  SELECT max(CountBids.num) AS maxn, CountBids.starttime_c
  FROM (SELECT count(*) AS num, window_start AS starttime_c FROM hop GROUP BY auction, window_start) AS CountBids
  GROUP BY CountBids.starttime_c
) AS MaxBids
ON AuctionBids.starttime = MaxBids.starttime_c AND AuctionBids.num >= MaxBids.maxn;
