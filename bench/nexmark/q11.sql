-- q11, user sessions: bids per bidder per session (a 10-second gap ends a session).
CREATE MATERIALIZED VIEW q11 AS
SELECT B.bidder, count(*) AS bid_count, window_start, window_end
FROM SESSION(bid, date_time, INTERVAL '10 seconds') B
GROUP BY B.bidder, window_start, window_end;
