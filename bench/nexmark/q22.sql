-- q22, get URL directories: the first three path segments of each bid's URL (Flink's
-- SPLIT_INDEX(url, '/', 3..5)).
CREATE MATERIALIZED VIEW q22 AS
SELECT auction, bidder, price, channel,
       split_part(url, '/', 4) AS dir1,
       split_part(url, '/', 5) AS dir2,
       split_part(url, '/', 6) AS dir3
FROM bid;
