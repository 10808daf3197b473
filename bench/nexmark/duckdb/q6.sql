-- q6 as a DuckDB batch query over the same events (tests/e2e/nexmark_test.sh): the same SQL.
SELECT seller, avg(final) AS avg
FROM (
  SELECT seller, final,
         ROW_NUMBER() OVER (PARTITION BY seller ORDER BY expires DESC, id DESC) AS rn
  FROM (
    SELECT A.id, A.seller, A.expires, max(B.price) AS final
    FROM auction A JOIN bid B ON A.id = B.auction
    WHERE B.date_time BETWEEN A.date_time AND A.expires
    GROUP BY A.id, A.seller, A.expires
  ) Q
) R
WHERE rn <= 10
GROUP BY seller;
