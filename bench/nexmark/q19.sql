-- q19, auction top-10 price: the 10 highest bids of each auction (ties by time, earliest
-- first, so that the ranks are deterministic).
CREATE MATERIALIZED VIEW q19 AS
SELECT auction, bidder, price, channel, url, date_time, extra, rank_number
FROM (
  SELECT auction, bidder, price, channel, url, date_time, extra,
         ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC, date_time ASC) AS rank_number
  FROM bid
) B
WHERE rank_number <= 10;
