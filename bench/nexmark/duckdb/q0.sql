-- q0 as a DuckDB batch query over the same events (tests/e2e/nexmark_test.sh): the same SQL.
SELECT auction, bidder, price, date_time, extra FROM bid;
