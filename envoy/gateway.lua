-- Gateway adjustments the gRPC-JSON transcoder cannot make by itself. Envoy
-- runs this only on the routes that name it (envoy.template.yaml): everything
-- every route needs (the original path, dropping gRPC's headers, refusing
-- native gRPC) is native configuration, which costs far less per call.
--
-- Requests: os-conductor also served `POST /datastore/` (same handler as
-- `/datastore/authorize`); a transcoder binding cannot end in '/', so the path
-- is rewritten here, before the transcoder sees it.
--
-- Responses: a successful gRPC call is always 200 and INVALID_ARGUMENT always
-- 400, but the work-package routes answer 201 on creation and 422 for an
-- invalid body. The gRPC handler asks for such a status with the metadata
-- `x-http-status`; only these values are honoured (the header itself is
-- removed after this filter, and a client's is removed before Conductor).
local allowed = { ["201"] = true, ["422"] = true }

function envoy_on_request(handle)
  local headers = handle:headers()
  local path = headers:get(":path")
  if path == "/datastore/" or string.sub(path, 1, 12) == "/datastore/?" then
    headers:replace(":path", "/datastore/authorize" .. string.sub(path, 12))
    return
  end
  -- GHGA's routes answer errors the FastAPI way (see envoy_on_response).
  local route = string.match(path, "^[^?]*")
  if string.sub(route, 1, 15) == "/work-packages/" or route == "/work-packages" or string.match(route, "^/users/[^/]+/datasets$") then
    local metadata = handle:streamInfo():dynamicMetadata()
    metadata:set("conductor", "ghga_route", headers:get(":method") == "POST" and route == "/work-packages" and "create" or "other")
  end
end

-- The string value of "message" in a JSON error body, still JSON-escaped.
local function json_message(text)
  local start = string.find(text, '"message":"', 1, true)
  if start == nil then
    return nil
  end
  local from = start + 11
  local i = from
  while i <= #text do
    local char = string.sub(text, i, i)
    if char == "\\" then
      i = i + 2
    elseif char == '"' then
      return string.sub(text, from, i - 1)
    else
      i = i + 1
    end
  end
  return nil
end

-- GHGA's services are FastAPI apps: their clients read errors from
-- `detail`, and a create body that is not a JSON object is a 422 (the
-- transcoder, which parses it, says 400). The error keeps the common shape
-- and gains `detail`.
local function ghga_error(handle, headers)
  local kind = handle:streamInfo():dynamicMetadata():get("conductor")
  kind = kind and kind["ghga_route"]
  local status = tonumber(headers:get(":status"))
  if kind == nil or status == nil or status < 400 then
    return
  end
  if kind == "create" and status == 400 then
    headers:replace(":status", "422")
  end
  local body = handle:body()
  if body == nil then
    return
  end
  local text = body:getBytes(0, body:length())
  local message = json_message(text)
  if message == nil or string.sub(text, 1, 1) ~= "{" then
    return
  end
  local rewritten = '{"detail":"' .. message .. '",' .. string.sub(text, 2)
  body:setBytes(rewritten)
  headers:replace("content-length", tostring(#rewritten))
end

function envoy_on_response(handle)
  local headers = handle:headers()
  local wanted = headers:get("x-http-status")
  if wanted ~= nil and allowed[wanted] then
    headers:replace(":status", wanted)
  end
  ghga_error(handle, headers)
end
