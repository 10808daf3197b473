-- q21, add channel id: the four named channels' ids, else the channel_id in the URL
-- (Flink's REGEXP_EXTRACT(url, '(&|^)channel_id=([^&]*)', 2) as split_part: the generator's
-- channel_id is the URL's last parameter).
CREATE MATERIALIZED VIEW q21 AS
SELECT auction, bidder, price, channel,
       CASE
         WHEN lower(channel) = 'apple' THEN '0'
         WHEN lower(channel) = 'google' THEN '1'
         WHEN lower(channel) = 'facebook' THEN '2'
         WHEN lower(channel) = 'baidu' THEN '3'
         ELSE nullif(split_part(url, '&channel_id=', 2), '')
       END AS channel_id
FROM bid
WHERE nullif(split_part(url, '&channel_id=', 2), '') IS NOT NULL
   OR lower(channel) IN ('apple', 'google', 'facebook', 'baidu');
