-- q9 as a DuckDB batch query over the same events (tests/e2e/nexmark_test.sh): the same SQL.
SELECT id, item_name, description, initial_bid, reserve, date_time, expires, seller, category,
       extra, auction, bidder, price, bid_date_time
FROM (
  SELECT A.id, A.item_name, A.description, A.initial_bid, A.reserve, A.date_time, A.expires,
         A.seller, A.category, A.extra, B.auction, B.bidder, B.price,
         B.date_time AS bid_date_time,
         ROW_NUMBER() OVER (PARTITION BY A.id ORDER BY B.price DESC, B.date_time ASC) AS rownum
  FROM auction A, bid B
  WHERE A.id = B.auction AND B.date_time BETWEEN A.date_time AND A.expires
) T
WHERE rownum <= 1;
