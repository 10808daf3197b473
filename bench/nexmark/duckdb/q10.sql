-- q10 as a DuckDB batch query over the same events (tests/e2e/nexmark_test.sh): the same SQL.
SELECT auction, bidder, price, date_time, extra,
       substring(date_time::text, 1, 10) AS date, substring(date_time::text, 12, 5) AS time
FROM bid;
