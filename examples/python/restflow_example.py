"""RestFlow from Python, standard library only: list agents over REST, stream a run over Server-Sent Events.
Set RESTFLOW_URL (default http://127.0.0.1:8787) and RESTFLOW_TOKEN (`restflow token create --name py`)."""
import json, os, sys, urllib.request

URL = os.environ.get("RESTFLOW_URL", "http://127.0.0.1:8787")
HEADERS = {"Authorization": "Bearer " + os.environ["RESTFLOW_TOKEN"], "Content-Type": "application/json"}

def call(path, body=None):
    data = None if body is None else json.dumps(body).encode()
    return urllib.request.urlopen(urllib.request.Request(URL + path, data=data, headers=HEADERS))

agents = json.load(call("/api/agents"))
for agent in agents:
    print(agent["id"][:8], agent["name"])
with call("/api/execute", {"agent_id": agents[0]["id"], "input": " ".join(sys.argv[1:]) or "Say hello"}) as stream:
    for line in stream:  # SSE: "id: <seq>" and "data: <event JSON>" lines, a blank line after each event
        event = json.loads(line[6:]) if line.startswith(b"data: ") else {}
        kind = event.get("kind", {})
        print(kind["text"] if kind.get("type") == "token" else "", end="", flush=True)
        if "error" in event or kind.get("type") in ("failed", "cancelled"):
            sys.exit(f"\nrun did not complete: {event.get('error') or kind.get('error', kind.get('type'))}")
print()
