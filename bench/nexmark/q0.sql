-- q0, pass through: every bid, unchanged (measures reading and decoding).
CREATE MATERIALIZED VIEW q0 AS
SELECT auction, bidder, price, date_time, extra FROM bid;
