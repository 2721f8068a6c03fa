"""The Python client (clients/python) over TLS: a token, a client certificate, and the failures.

Usage: tls_client.py <config.json>. Prints one JSON object per case: its name, whether it
succeeded, the gRPC status code name on failure, and what it returned.
"""

import json
import sys

import tracelake


def case(name, fn):
    try:
        result = fn()
        print(json.dumps({"case": name, "ok": True, "result": result}), flush=True)
    except tracelake.TracelakeError as e:
        print(json.dumps({"case": name, "ok": False, "code": e.code.name, "message": str(e)}),
              flush=True)
    except Exception as e:  # noqa: BLE001 - a wrong kind of failure is a finding, reported
        print(json.dumps({"case": name, "ok": False, "code": type(e).__name__,
                          "message": str(e)}), flush=True)


def main():
    with open(sys.argv[1]) as f:
        c = json.load(f)
    target = c["target"]

    def token_over_tls():
        with tracelake.connect(target, token=c["token"], root_certificates=c["ca"]) as client:
            client.create_table("fraud.events", [("event_id", "long"), ("user", "string")],
                                if_not_exists=True)
            with client.writer("fraud.events", writer_id="py-tls") as w:
                ack = w.append([{"event_id": 1, "user": "ann"}]).result(60)
            rows = client.sql("SELECT count(*) AS n FROM fraud.events")
            return {"tables": sorted(client.tables()), "acked": ack is not None,
                    "count": rows[0]["n"]}

    def certificate_principal():
        with open(c["ca"], "rb") as ca:
            roots = ca.read()  # bytes work as well as paths
        with tracelake.connect(target, root_certificates=roots,
                               certificate_chain=c["reader_cert"],
                               private_key=c["reader_key"]) as client:
            return {"tables": sorted(client.tables()),
                    "amount": client.sql("SELECT amount FROM fraud.features")[0]["amount"]}

    def certificate_reads_no_secret():
        with tracelake.connect(target, root_certificates=c["ca"],
                               certificate_chain=c["reader_cert"],
                               private_key=c["reader_key"]) as client:
            return client.sql("SELECT * FROM secret.salaries")

    def certificate_named_local():
        with tracelake.connect(target, root_certificates=c["ca"],
                               certificate_chain=c["local_cert"],
                               private_key=c["local_key"]) as client:
            return sorted(client.tables())

    def untrusted_server():
        with tracelake.connect(target, tls=True, token=c["token"]) as client:
            return sorted(client.tables())

    def plaintext_to_tls_port():
        with tracelake.connect(target, token=c["token"]) as client:
            return sorted(client.tables())

    def wrong_token():
        with tracelake.connect(target, token="tlk_wrong_wrong_wrong",
                               root_certificates=c["ca"]) as client:
            return sorted(client.tables())

    def missing_ca_file():
        return tracelake.connect(target, root_certificates=c["ca"] + ".missing").target

    case("token_over_tls", token_over_tls)
    case("certificate_principal", certificate_principal)
    case("certificate_reads_no_secret", certificate_reads_no_secret)
    case("certificate_named_local", certificate_named_local)
    case("untrusted_server", untrusted_server)
    case("plaintext_to_tls_port", plaintext_to_tls_port)
    case("wrong_token", wrong_token)
    case("missing_ca_file", missing_ca_file)


if __name__ == "__main__":
    main()
