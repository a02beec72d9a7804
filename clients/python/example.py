"""Calls Conductor from Python through the generated stubs: the health of
each service, WorkPackageService.GetHealth and AuthService.GetJwks.

    python example.py <stubs folder> [host:port]   (default 127.0.0.1:50051)

Prints one JSON line per answer.
"""
import json
import sys

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
from grpc_health.v1 import health_pb2, health_pb2_grpc  # noqa: E402
from google.protobuf.json_format import MessageToDict  # noqa: E402

from conductor.auth.v1 import auth_pb2, auth_pb2_grpc  # noqa: E402
from conductor.workpackage.v1 import workpackage_pb2, workpackage_pb2_grpc  # noqa: E402

address = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1:50051"
with grpc.insecure_channel(address) as channel:
    health = health_pb2_grpc.HealthStub(channel)
    for service in ["conductor.auth.v1.AuthService", "conductor.workpackage.v1.WorkPackageService"]:
        answer = health.Check(health_pb2.HealthCheckRequest(service=service), timeout=10)
        print(json.dumps({"health": service, "status": health_pb2.HealthCheckResponse.ServingStatus.Name(answer.status)}))
    work_packages = workpackage_pb2_grpc.WorkPackageServiceStub(channel)
    print(json.dumps({"GetHealth": MessageToDict(work_packages.GetHealth(workpackage_pb2.GetHealthRequest(), timeout=10))}))
    auth = auth_pb2_grpc.AuthServiceStub(channel)
    jwks = MessageToDict(auth.GetJwks(auth_pb2.GetJwksRequest(), timeout=10))
    print(json.dumps({"GetJwks": [key.get("kty") for key in jwks.get("keys", [])]}))
