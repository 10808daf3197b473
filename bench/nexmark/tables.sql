-- The Nexmark sources: three append-only streams over the generator's topics (event_json.h),
-- event time from date_time, watermarks 4 seconds behind it (as RisingWave's Nexmark DDL).
CREATE TABLE person (
  id bigint, name text, email_address text, credit_card text, city text, state text,
  date_time timestamp, extra text
) WITH (topic = 'nexmark-person', format = 'json', event_time = 'date_time',
        watermark_delay = '4 seconds');

CREATE TABLE auction (
  id bigint, item_name text, description text, initial_bid bigint, reserve bigint,
  date_time timestamp, expires timestamp, seller bigint, category bigint, extra text
) WITH (topic = 'nexmark-auction', format = 'json', event_time = 'date_time',
        watermark_delay = '4 seconds');

CREATE TABLE bid (
  auction bigint, bidder bigint, price bigint, channel text, url text, date_time timestamp,
  extra text
) WITH (topic = 'nexmark-bid', format = 'json', event_time = 'date_time',
        watermark_delay = '4 seconds');
