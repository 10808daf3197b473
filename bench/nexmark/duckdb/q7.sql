-- q7 as a DuckDB batch query: TUMBLE(bid, date_time, 10 s) as 10-second buckets.
SELECT B.auction, B.price, B.bidder, B.date_time
FROM bid B
JOIN (
  SELECT max(price) AS maxprice,
         time_bucket(INTERVAL '10 seconds', date_time) + INTERVAL '10 seconds' AS date_time
  FROM bid
  GROUP BY 2
) B1 ON B.price = B1.maxprice
WHERE B.date_time BETWEEN B1.date_time - INTERVAL '10 seconds' AND B1.date_time;
