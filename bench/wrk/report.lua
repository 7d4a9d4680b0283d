-- wrk's summary as one JSON line (latencies in microseconds), read by bench/gateway.py.
-- wrk counts answers with a status of 400 or more in errors.status: the benchmark refuses a run
-- that has any, since a benchmark of errors measures nothing.
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "failed_status": %d, "socket_errors": %d, '
      .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
