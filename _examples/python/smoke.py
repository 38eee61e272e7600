# The official Python SDK against the emulator: one certificate through
# upload, list, activate, deactivate and delete.
#   python smoke.py cert.pem
import os
import sys

from openai import OpenAI

client = OpenAI(
    base_url=os.environ.get("OPENAI_BASE_URL", "http://localhost:8080/v1"),
    admin_api_key=os.environ.get("OPENAI_ADMIN_KEY", "sk-admin-anything"),
)
certs = client.admin.organization.certificates

with open(sys.argv[1]) as f:
    cert = certs.create(name="sdk example", certificate=f.read())
if not any(c.id == cert.id for c in certs.list()):
    sys.exit(f"{cert.id} is not listed")
certs.activate(certificate_ids=[cert.id])
certs.deactivate(certificate_ids=[cert.id])
certs.delete(cert.id)
print(f"Python SDK: {cert.id} uploaded, listed, activated, deactivated and deleted")
