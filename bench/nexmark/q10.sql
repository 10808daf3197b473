-- q10, log to file system (the partitioning columns only): each bid with its day and its
-- hour:minute as text (Flink's DATE_FORMAT(date_time, 'yyyy-MM-dd') and 'HH:mm').
CREATE MATERIALIZED VIEW q10 AS
SELECT auction, bidder, price, date_time, extra,
       substring(date_time::text, 1, 10) AS date, substring(date_time::text, 12, 5) AS time
FROM bid;
