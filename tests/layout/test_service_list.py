"""The list of services is ``subjects.SERVICES``; what cannot import it must agree with it.

The Makefile, ruff's configuration and the Kubernetes manifests are read by tools that do not run
Python: these tests fail when one of them names a service the contracts do not, or misses one.
"""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import yaml

from outsend_contracts import subjects
from outsend_deploy.supervisor import SERVICES, entry_package

ROOT = Path(__file__).resolve().parents[2]
EVERY_PROCESS = {*subjects.SERVICES, subjects.GATEWAY}


def package_folders() -> set[str]:
    """Every folder holding a package of ours, relative to the repository root."""
    found = {
        path.parent for pattern in ("libs/*/pyproject.toml", "services/*/pyproject.toml") for path in ROOT.glob(pattern)
    }
    return {str(folder.relative_to(ROOT)) for folder in found} | {"deploy"}


def test_every_service_folder_is_a_listed_service_and_the_supervisor_starts_them_all() -> None:
    folders = {path.parent.name for path in ROOT.glob("services/*/pyproject.toml")}
    assert folders == EVERY_PROCESS
    assert set(SERVICES) == EVERY_PROCESS


def test_every_service_declares_the_script_named_after_it() -> None:
    for service in EVERY_PROCESS:
        project = tomllib.loads((ROOT / "services" / service / "pyproject.toml").read_text())
        assert f"outsend-{service}" in project["project"]["scripts"], service
        assert (ROOT / "services" / service / entry_package(service) / "__main__.py").is_file(), service


def test_the_makefile_installs_and_checks_every_package() -> None:
    printed = subprocess.run(
        ["make", "-s", "--no-print-directory", "--eval=print-packages: ; @echo $(PACKAGES)", "print-packages"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert set(printed.stdout.split()) == package_folders()


def test_ruff_counts_every_package_as_first_party() -> None:
    source_roots = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]["src"]
    patterns = [pattern for pattern in source_roots if pattern != "."]  # the root holds tests and bench
    covered = {str(path.relative_to(ROOT)) for pattern in patterns for path in ROOT.glob(pattern)}
    assert package_folders() <= covered


def test_kubernetes_deploys_every_service_from_its_own_image() -> None:
    kustomization = yaml.safe_load((ROOT / "deploy/k8s/kustomization.yaml").read_text())
    documents = [
        document
        for resource in kustomization["resources"]
        for document in yaml.safe_load_all((ROOT / "deploy/k8s" / resource).read_text())
        if document is not None
    ]
    deployments = {doc["metadata"]["name"]: doc for doc in documents if doc["kind"] == "Deployment"}
    assert set(deployments) == EVERY_PROCESS
    for name, deployment in deployments.items():
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        assert container["image"].rsplit(":", 1)[0] == f"ghcr.io/outsend/outsend-{name}"
