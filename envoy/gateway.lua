-- Gateway adjustments the gRPC-JSON transcoder cannot make by itself.
--
-- Requests: the original path travels as `x-conductor-original-path` (a
-- client cannot set it: it is always overwritten). os-conductor also served `POST /datastore/` (same handler as
-- `/datastore/authorize`); a transcoder binding cannot end in '/', so the path
-- is rewritten here, before the transcoder sees it.
--
-- Responses: gRPC's own headers are dropped (they mean nothing to an HTTP
-- client). A successful gRPC call is always 200 and INVALID_ARGUMENT always
-- 400, but the work-package routes answer 201 on creation and 422 for an
-- invalid body. The gRPC handler asks for such a status with the metadata
-- `x-http-status`; only these values are honoured, and the header never
-- reaches the client.
local allowed = { ["201"] = true, ["422"] = true }

-- The public listener serves the JSON API only. A native gRPC or gRPC-Web
-- request (any application/grpc* content type) would pass the transcoder
-- untouched and reach every method, internal ones included; internal
-- callers use Conductor's gRPC port, which is never published. Such a
-- request is sent to Conductor's HTTP listener, which refuses it with a JSON
-- 403 (gRPC clients read PERMISSION_DENIED). Not a local reply: Envoy would
-- answer one in gRPC form, 200 with a grpc-status header.
local refused_grpc_path = "/oauth/refused-grpc"

local function is_grpc(content_type)
  return content_type ~= nil and string.sub(string.lower(content_type), 1, 16) == "application/grpc"
end

function envoy_on_request(handle)
  local headers = handle:headers()
  if is_grpc(headers:get("content-type")) then
    headers:replace(":path", refused_grpc_path)
    -- gRPC-Web too passes the transcoder as plain gRPC, untranscoded.
    headers:replace("content-type", "application/grpc")
    handle:clearRouteCache()
    return
  end
  local path = headers:get(":path")
  -- The transcoder replaces the path with the gRPC method's; services that
  -- read free-form query parameters (search filters) get the original here.
  headers:replace("x-conductor-original-path", path)
  if path == "/datastore/" or string.sub(path, 1, 12) == "/datastore/?" then
    headers:replace(":path", "/datastore/authorize" .. string.sub(path, 12))
  end
  -- Only Conductor itself may ask for a status.
  headers:remove("x-http-status")
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

-- gRPC plumbing the transcoder leaves on JSON responses.
local grpc_headers = { "grpc-status", "grpc-message", "grpc-encoding", "grpc-accept-encoding" }

function envoy_on_response(handle)
  local headers = handle:headers()
  for _, name in ipairs(grpc_headers) do
    headers:remove(name)
  end
  local wanted = headers:get("x-http-status")
  if wanted ~= nil then
    headers:remove("x-http-status")
    if allowed[wanted] then
      headers:replace(":status", wanted)
    end
  end
  ghga_error(handle, headers)
end
