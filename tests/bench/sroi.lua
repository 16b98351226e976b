-- Peer for the 'sroi' benchmark workload (Lua 5.4, binary doubles). lua5.4 sroi.lua programmes.csv
local RATE, YEARS = 0.035, 10
local function pct(s) return tonumber(s:sub(1, -2)) / 100 end
local results = {}
local f = assert(io.open(arg[1]))
f:read("l")
for line in f:lines() do
  local c = {}
  for v in line:gmatch("[^,]+") do c[#c + 1] = v end
  local investment = tonumber(c[3])
  local impact = tonumber(c[4]) * (1 - pct(c[5])) * (1 - pct(c[6])) * (1 - pct(c[7]))
  local drop = pct(c[8])
  local pv = 0
  for t = 1, YEARS do pv = pv + impact * (1 - drop) ^ (t - 1) / (1 + RATE) ^ t end
  results[#results + 1] = {id = tonumber(c[1]), name = c[2], pv = pv, npv = pv - investment, ratio = pv / investment}
end
f:close()
local pv, npv, positive = 0, 0, 0
for _, r in ipairs(results) do
  pv = pv + r.pv
  npv = npv + r.npv
  if r.npv > 0 then positive = positive + 1 end
end
table.sort(results, function(a, b)
  if a.ratio ~= b.ratio then return a.ratio > b.ratio end
  return a.id < b.id
end)
print("programmes", #results)
for i = 1, 5 do print(results[i].name, string.format("%.4f", results[i].ratio)) end
print("pv", string.format("%.2f", pv), "npv", string.format("%.2f", npv), "positive", positive)
