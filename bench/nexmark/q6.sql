-- q6, average selling price by seller: the average winning bid of each seller's last 10
-- closed auctions. The reference query uses a ROWS BETWEEN 10 PRECEDING frame (not
-- supported, as in Flink); this is RisingWave's group-top-n form of it: the 10 latest
-- auctions per seller by closing time (ties by id), then the average.
CREATE MATERIALIZED VIEW q6 AS
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
