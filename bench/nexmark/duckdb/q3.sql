-- q3 as a DuckDB batch query over the same events (tests/e2e/nexmark_test.sh): the same SQL.
SELECT P.name, P.city, P.state, A.id
FROM auction AS A JOIN person AS P ON A.seller = P.id
WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA');
