-- q2, selection: the bids on every 123rd auction (Flink's MOD(auction, 123) = 0).
CREATE MATERIALIZED VIEW q2 AS
SELECT auction, price FROM bid WHERE auction % 123 = 0;
