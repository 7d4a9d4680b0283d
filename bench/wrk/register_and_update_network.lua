-- Writes half creates, half updates: a new national network (a name of its own on each), and a
-- change to a network this run created, with its version in If-Match. wrk runs one thread, so
-- the networks created so far are one queue: each answer to a POST adds its network, and the
-- next request updates the oldest waiting one. The token comes from the environment.
local token = os.getenv("BENCH_TOKEN")
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local sent = 0
local created = {}
local first, last = 1, 0

request = function()
  sent = sent + 1
  local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
  if first <= last then
    local id = created[first]
    created[first] = nil
    first = first + 1
    headers["If-Match"] = '"1"'
    local body = string.format('{"status":"in_formation","governing_entity":"Ministerio %s-%d"}', run, sent)
    return wrk.format("PATCH", wrk.path .. "/" .. id, headers, body)
  end
  local body = string.format(
    '{"country":"PE","kind":"public","official_name":"Red de bibliotecas %s-%d",'
      .. '"governing_entity":"Biblioteca Nacional del Perú","status":"constituted"}',
    run, sent)
  return wrk.format("POST", nil, headers, body)
end

response = function(status, headers, body)
  if status == 201 then
    last = last + 1
    created[last] = string.match(body, '"id":"([^"]+)"')
  end
end
