-- POST a new national network on every request, each with a name of its own (a repeated name
-- would be refused as a duplicate). The token comes from the environment (BENCH_TOKEN).
local token = os.getenv("BENCH_TOKEN")
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local sent = 0

request = function()
  sent = sent + 1
  local body = string.format(
    '{"country":"PE","kind":"public","official_name":"Red de bibliotecas %s-%d",'
      .. '"governing_entity":"Biblioteca Nacional del Perú","status":"constituted"}',
    run, sent)
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end
