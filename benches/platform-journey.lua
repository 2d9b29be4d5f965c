-- Whole platform journeys under wrk, one journey at a time per
-- connection: create an account on 10011, upload every API part, finalize,
-- poll status (1 ms apart) until PROCESSED, read the details. Run with as
-- many threads as connections (-tN -cN): wrk keeps one Lua state per
-- thread, and the journey's state lives in it.
--
--   IDFLOW_TOKEN=... wrk -t32 -c32 -d15s -s benches/platform-journey.lua http://127.0.0.1:PORT
--
-- Prints journeys/s and how many failed; wrk's own latency figures are
-- per request.
--
-- IDFLOW_ACCOUNT=ID: every journey is a returning user's, a new execution
-- on that account (PUT /api/v1/accounts/ID) instead of a new account.
-- IDFLOW_KEY=KEY: the workflow (default 10011); a credential reused from
-- the account offers no upload URLs, and the journey uploads the rest.

local token = os.getenv("IDFLOW_TOKEN") or ""
local account = os.getenv("IDFLOW_ACCOUNT")
local key = os.getenv("IDFLOW_KEY") or "10011"
local account_body = '{"customerInternalReference":"load","userReference":"scenario:ALL_PASS","workflowDefinition":{"key":' .. key .. '}}'
local boundary = "idflowjourney"
local part_body = "--" .. boundary .. "\r\n"
    .. 'Content-Disposition: form-data; name="file"; filename="part.png"\r\n'
    .. "Content-Type: image/png\r\n\r\n"
    .. "\137PNG\r\n\26\n\0\0\0\0"
    .. "\r\n--" .. boundary .. "--\r\n"

local threads = {}
function setup(thread)
    table.insert(threads, thread)
end

local step = "create"
local uploads, next_upload, execution, polled = {}, 1, nil, false
journeys, failed = 0, 0

local function path_of(url)
    return url:match("^https?://[^/]+(/.*)$") or url
end

local function json_headers(bearer)
    return { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. bearer }
end

local function restart(ok)
    if ok then journeys = journeys + 1 else failed = failed + 1 end
    step, uploads, next_upload, execution, polled = "create", {}, 1, nil, false
end

function request()
    if step == "create" then
        if account then
            return wrk.format("PUT", "/api/v1/accounts/" .. account, json_headers(token), account_body)
        end
        return wrk.format("POST", "/api/v1/accounts", json_headers(token), account_body)
    elseif step == "upload" then
        local upload = uploads[next_upload]
        return wrk.format("POST", upload.path, {
            ["Content-Type"] = "multipart/form-data; boundary=" .. boundary,
            ["Authorization"] = "Bearer " .. upload.token,
        }, part_body)
    elseif step == "finalize" then
        return wrk.format("PUT", execution, json_headers(token), "")
    elseif step == "status" then
        return wrk.format("GET", execution .. "/status", json_headers(token))
    else
        return wrk.format("GET", execution, json_headers(token))
    end
end

function delay()
    if step == "status" and polled then return 1 end
    return 0
end

function response(status, headers, body)
    if step == "create" then
        if status ~= 200 then return restart(false) end
        for api_token, parts in body:gmatch('"token":"([^"]+)","parts":{([^}]*)}') do
            for url in parts:gmatch('"(https?://[^"]+)"') do
                table.insert(uploads, { path = path_of(url), token = api_token })
            end
        end
        local url = body:match('"workflowExecution":"(https?://[^"]+)"')
        if not url or #uploads == 0 then return restart(false) end
        execution = path_of(url)
        step = "upload"
    elseif step == "upload" then
        if status ~= 200 then return restart(false) end
        next_upload = next_upload + 1
        if next_upload > #uploads then step = "finalize" end
    elseif step == "finalize" then
        if status < 200 or status > 299 then return restart(false) end
        step = "status"
    elseif step == "status" then
        if status ~= 200 then return restart(false) end
        polled = true
        if body:find('"PROCESSED"', 1, true) then step = "details" end
    else
        restart(status == 200 and body:find('"PASSED"', 1, true) ~= nil)
    end
end

function done(summary, latency, requests)
    local ok, bad = 0, 0
    for _, thread in ipairs(threads) do
        ok = ok + (thread:get("journeys") or 0)
        bad = bad + (thread:get("failed") or 0)
    end
    local seconds = summary.duration / 1e6
    io.write(string.format("journeys: %d in %.1f s: %.0f journeys/s, failed %d\n", ok, seconds, ok / seconds, bad))
end
