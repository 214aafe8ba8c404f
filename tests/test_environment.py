"""environment.yml, constraints.txt, pyproject.toml and the README stay in step."""
import re

import tomllib

from conftest import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _pins():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[name.lower().replace("_", "-")] = version
    return pins


def _requirements(extra="dev"):
    """The project's requirements plus those of ``extra``, with its own extras (``tilnlp[classroom]``) expanded."""
    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs, todo, seen = [Requirement(d) for d in project["dependencies"]], [extra], set()
    while todo:
        name = todo.pop()
        seen.add(name)
        for dep in map(Requirement, project["optional-dependencies"][name]):
            if dep.name == project["name"]:
                todo += sorted(dep.extras - seen)
            else:
                reqs.append(dep)
    return reqs


def test_every_dependency_is_pinned_in_constraints_and_within_its_range():
    pins = _pins()
    reqs = _requirements("dev")
    assert "olah" in {req.name for req in reqs}  # dev includes the classroom extra, so CI installs olah
    for req in reqs:
        key = req.name.lower().replace("_", "-")
        assert key in pins, f"{req.name} is not pinned in constraints.txt"
        assert req.specifier.contains(pins[key], prereleases=True), f"{req.name}=={pins[key]} outside {req.specifier}"


def test_torch_is_pinned_to_the_cpu_wheel_release():
    assert _pins()["torch"] == "2.13.0"


def test_environment_yml_installs_the_same_as_the_readme():
    env = (ROOT / "environment.yml").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "- -c constraints.txt" in env and "- -e .[dev]" in env
    assert 'pip install -c constraints.txt -e ".[dev]"' in readme
    python = re.search(r"python=(\d+\.\d+)", env).group(1)
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert requires == ">=3.10" and tuple(map(int, python.split("."))) >= (3, 10)


def test_ci_runs_exactly_the_readme_commands():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    install = re.search(r"```bash\n(python3 -m venv .*tilnlp run)\n```", readme).group(1)
    assert install in ci
    assert re.search(r"```bash\n(?:\. \.venv/bin/activate && )?pytest\n```", readme)
    assert "\npytest\n" in ci


def test_readme_lists_every_notebook():
    from tilnlp.publishing.notebooks import course_notebooks

    readme = (ROOT / "README.md").read_text()
    for path in course_notebooks():
        assert f"`{path.stem}`" in readme, f"README's notebook table lacks {path.stem}"
