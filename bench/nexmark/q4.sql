-- q4, average price per category: the average winning bid (highest bid while the auction
-- was open) of the auctions in each category.
CREATE MATERIALIZED VIEW q4 AS
SELECT Q.category, avg(Q.final) AS avg
FROM (
  SELECT max(B.price) AS final, A.category
  FROM auction A, bid B
  WHERE A.id = B.auction AND B.date_time BETWEEN A.date_time AND A.expires
  GROUP BY A.id, A.category
) Q
GROUP BY Q.category;
