-- q2 as a DuckDB batch query over the same events (tests/e2e/nexmark_test.sh): the same SQL.
SELECT auction, price FROM bid WHERE auction % 123 = 0;
