//! The `ecsim._native` extension module: converts Python values to the core's JSON values and
//! its answers back (read from the core's token tape, `answer.rs`), and maps `EcsimError` to
//! Python exceptions named after AWS's errors. No behaviour lives here; the pure-Python layer (`python/ecsim`) adds the boto3-style clients.

mod answer;
mod dns;
mod input;

/// The simulation allocates many small records per call (task documents, their strings);
/// mimalloc serves them about twice as fast as the system allocator (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use ecsim_core::guard::{guarded, panic_probe};
use ecsim_core::sim::tape::Tape;
use ecsim_core::{
    Diagnostic as CoreDiagnostic, EcsimError as CoreError, ErrorCode, SimulationConfig,
    ValidationOptions,
};
use input::to_json;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};
use std::collections::HashMap;
use std::ffi::CString;
use std::sync::{Arc, Mutex};

create_exception!(
    ecsim,
    EcsimError,
    PyException,
    "Base of every error ecsim raises; `.code` is the AWS error name."
);

static ERROR_TYPES: PyOnceLock<HashMap<ErrorCode, Py<PyType>>> = PyOnceLock::new();

fn error_types(py: Python<'_>) -> PyResult<&HashMap<ErrorCode, Py<PyType>>> {
    ERROR_TYPES.get_or_try_init(py, || {
        let base = py.get_type::<EcsimError>();
        ErrorCode::ALL
            .iter()
            .map(|code| {
                let name = CString::new(format!("ecsim.{}", code.class_name()))?;
                Ok((*code, PyErr::new_type(py, &name, None, Some(&base), None)?))
            })
            .collect()
    })
}

fn to_py_err(py: Python<'_>, error: CoreError) -> PyErr {
    let raise = || -> PyResult<PyErr> {
        let class = error_types(py)?[&error.code].bind(py);
        let instance = class.call1((error.message.clone(),))?;
        instance.setattr("code", error.code.as_str())?;
        instance.setattr("message", &error.message)?;
        instance.setattr("diagnostics", diagnostics(error.diagnostics))?;
        Ok(PyErr::from_value(instance))
    };
    raise().unwrap_or_else(|conversion_error| conversion_error)
}

/// One finding about an input: a stable code, severity, JSON path, message, help and fix.
#[pyclass(module = "ecsim", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct Diagnostic {
    #[pyo3(get)]
    code: String,
    #[pyo3(get)]
    severity: String,
    #[pyo3(get)]
    path: String,
    #[pyo3(get)]
    message: String,
    #[pyo3(get)]
    help: Option<String>,
    fix: Option<serde_json::Value>,
}

/// What a Diagnostic is made of, in the order `Diagnostic(...)` takes it (pickling).
type DiagnosticParts<'py> = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<Bound<'py, PyAny>>,
);

#[pymethods]
impl Diagnostic {
    #[new]
    #[pyo3(signature = (code, severity, path, message, help=None, fix=None))]
    fn new(
        code: String,
        severity: String,
        path: String,
        message: String,
        help: Option<String>,
        fix: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        Ok(Diagnostic {
            code,
            severity,
            path,
            message,
            help,
            fix: fix.map(to_json).transpose()?,
        })
    }

    /// Pickles (and so crosses process pools) as its parts.
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, pyo3::types::PyType>, DiagnosticParts<'py>)> {
        let py = slf.py();
        let this = slf.get();
        Ok((
            slf.get_type(),
            (
                this.code.clone(),
                this.severity.clone(),
                this.path.clone(),
                this.message.clone(),
                this.help.clone(),
                this.fix(py)?,
            ),
        ))
    }

    /// The fix as an edit (`{"kind": "set" | "remove" | "rename", "title", "path", ...}`), or None.
    #[getter]
    fn fix<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.fix
            .as_ref()
            .map(|fix| {
                pythonize::pythonize(py, fix)
                    .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
            })
            .transpose()
    }

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        dict.set_item("code", &self.code)?;
        dict.set_item("severity", &self.severity)?;
        dict.set_item("path", &self.path)?;
        dict.set_item("message", &self.message)?;
        if let Some(help) = &self.help {
            dict.set_item("help", help)?;
        }
        if let Some(fix) = self.fix(py)? {
            dict.set_item("fix", fix)?;
        }
        Ok(dict)
    }

    fn __repr__(&self) -> String {
        format!(
            "Diagnostic({} {} at {}: {})",
            self.code, self.severity, self.path, self.message
        )
    }
}

fn diagnostics(found: Vec<CoreDiagnostic>) -> Vec<Diagnostic> {
    found
        .into_iter()
        .map(|d| Diagnostic {
            code: d.code,
            severity: d.severity.as_str().to_string(),
            path: d.path,
            message: d.message,
            help: d.help,
            fix: d.fix.and_then(|fix| serde_json::to_value(fix).ok()),
        })
        .collect()
}

/// Validates a task definition (RegisterTaskDefinition input shape); never raises for bad input.
/// Options: `warnings` (default True), `security` (default False), `ignore` (rule codes).
#[pyfunction]
#[pyo3(signature = (task_definition, **options))]
fn validate_task_definition(
    py: Python<'_>,
    task_definition: &Bound<'_, PyAny>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Vec<Diagnostic>> {
    let input = to_json(task_definition)?;
    let options = options_from("validate_task_definition", options)?;
    let found =
        py.detach(|| guarded(|| Ok(ecsim_core::validate_task_definition_with(&input, &options))));
    found.map(diagnostics).map_err(|e| to_py_err(py, e))
}

/// Validates a task definition given as JSON text (an editor's buffer): each finding is a dict
/// with the line and column of its path.
#[pyfunction]
#[pyo3(signature = (text, **options))]
fn validate_task_definition_text<'py>(
    py: Python<'py>,
    text: &str,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let options = options_from("validate_task_definition_text", options)?;
    let found = py
        .detach(|| guarded(|| ecsim_core::template::validate_task_definition_text(text, &options)))
        .map_err(|e| to_py_err(py, e))?;
    pythonize::pythonize(py, &found)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

fn options_from(name: &str, options: Option<&Bound<'_, PyDict>>) -> PyResult<ValidationOptions> {
    match options {
        Some(dict) => ValidationOptions::from_json(to_json(dict.as_any())?)
            .map_err(|e| pyo3::exceptions::PyTypeError::new_err(format!("{name}: {e}"))),
        None => Ok(ValidationOptions::default()),
    }
}

/// Validates every AWS::ECS::TaskDefinition of a CloudFormation or CDK template: JSON or YAML
/// text (findings then carry line and column) or a parsed dict. Returns the report as a dict.
#[pyfunction]
#[pyo3(signature = (template, **options))]
fn validate_template<'py>(
    py: Python<'py>,
    template: &Bound<'py, PyAny>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let template = to_json(template)?;
    let options = options_from("validate_template", options)?;
    let report = py
        .detach(|| guarded(|| Ok(ecsim_core::validate_template_value(&template, &options))))
        .map_err(|e| to_py_err(py, e))?;
    pythonize::pythonize(py, &report)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

/// Renders a template report as "text", "json" or "sarif" (SARIF 2.1.0).
#[pyfunction]
#[pyo3(signature = (report, format = "text", filename = "template"))]
fn format_report(
    py: Python<'_>,
    report: &Bound<'_, PyAny>,
    format: &str,
    filename: &str,
) -> PyResult<String> {
    let report = to_json(report)?;
    guarded(|| ecsim_core::template::report::render_value(report, format, filename))
        .map_err(|e| to_py_err(py, e))
}

/// The simulated services as the core's registry has them: `[{"name", "operations", "errors"}]`.
#[pyfunction]
fn services(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    pythonize::pythonize(py, &ecsim_core::sim::services_as_json())
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

/// The EC2 instance types of the catalog, with what ECS registers for each.
#[pyfunction]
fn instance_types(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    pythonize::pythonize(py, &ecsim_core::cluster::catalog::catalog_json())
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

/// Every rule ecsim reports, in code order: code, name, severity, summary, why, source.
#[pyfunction]
fn rules(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    pythonize::pythonize(py, &ecsim_core::rules_json())
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

/// A scaling math function (`ecsim.math`): its JS name and its arguments (camelCase).
#[pyfunction]
fn math<'py>(
    py: Python<'py>,
    function: &str,
    input: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let result =
        ecsim_core::scaling::call(function, to_json(input)?).map_err(|e| to_py_err(py, e))?;
    pythonize::pythonize(py, &result)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

/// An action's request shape: `{"shape", "members": [{"name", "type", "required"}]}`.
#[pyfunction]
fn operation_input<'py>(
    py: Python<'py>,
    service: &str,
    action: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let shape = ecsim_core::sim::operation_input(service, action).map_err(|e| to_py_err(py, e))?;
    pythonize::pythonize(py, &shape)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

/// Panics inside the core on purpose, to prove that the panic guard holds.
#[pyfunction]
fn _panic_probe(py: Python<'_>) -> PyResult<()> {
    guarded(panic_probe).map_err(|e| to_py_err(py, e))
}

/// One simulated region with a virtual clock (the native half of `ecsim.Simulation`).
/// A simulation, shared safely between threads: every method takes the lock, without the GIL
/// (so other Python threads run meanwhile), and long runs check for Ctrl-C as they go.
#[pyclass(module = "ecsim._native", frozen)]
pub struct Simulation {
    inner: Arc<Mutex<ecsim_core::Simulation>>,
    /// The Python strings its answers repeat (`answer::Strings`); a fork starts its own.
    strings: Mutex<answer::Strings>,
    /// A tape between calls, for its buffers (taken by a call, put back after).
    spare_tape: Mutex<Option<Tape>>,
}

/// The largest tape (in tokens) kept for the next call: about a hundred task documents.
const KEPT_TAPE_TOKENS: usize = 1 << 14;

/// How often (in moments of the virtual clock) a long advance looks for Ctrl-C.
const SIGNAL_CHECK_EVERY: u32 = 256;

impl Simulation {
    fn wrapping(inner: ecsim_core::Simulation) -> Self {
        Simulation {
            inner: Arc::new(Mutex::new(inner)),
            strings: Mutex::default(),
            spare_tape: Mutex::default(),
        }
    }

    /// Runs `f` on the simulation with the GIL released. A panic inside the core is caught
    /// by `guarded` before it could poison the lock; a poisoned lock is taken over all the same.
    fn with<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut ecsim_core::Simulation) -> T + Send,
    ) -> T {
        py.detach(|| {
            let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut inner)
        })
    }

    /// Runs a clock move with the GIL released, asking Python for pending signals every
    /// `SIGNAL_CHECK_EVERY` moments: Ctrl-C stops the move between two moments and raises.
    fn interruptible(
        &self,
        py: Python<'_>,
        run: impl FnOnce(
                &mut ecsim_core::Simulation,
                &mut dyn FnMut() -> bool,
            ) -> Result<bool, ecsim_core::EcsimError>
            + Send,
    ) -> PyResult<()> {
        let mut interrupted = None;
        let result = self.with(py, |sim| {
            let mut moments = 0u32;
            run(sim, &mut || {
                moments = moments.wrapping_add(1);
                if moments % SIGNAL_CHECK_EVERY != 0 {
                    return true;
                }
                match Python::attach(|py| py.check_signals()) {
                    Ok(()) => true,
                    Err(error) => {
                        interrupted = Some(error);
                        false
                    }
                }
            })
        });
        if let Some(error) = interrupted {
            return Err(error);
        }
        result.map(drop).map_err(|e| to_py_err(py, e))
    }
}

#[pymethods]
impl Simulation {
    #[new]
    #[pyo3(signature = (**config))]
    fn new(config: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let config: SimulationConfig = match config {
            Some(dict) => ecsim_core::api::input::read_options(to_json(dict.as_any())?)
                .map_err(|e| pyo3::exceptions::PyTypeError::new_err(format!("Simulation: {e}")))?,
            None => SimulationConfig::default(),
        };
        Ok(Simulation::wrapping(ecsim_core::Simulation::new(config)))
    }

    #[getter]
    fn seed(&self, py: Python<'_>) -> u64 {
        self.with(py, |sim| sim.config().seed)
    }

    #[getter]
    fn now(&self, py: Python<'_>) -> f64 {
        self.with(py, |sim| sim.now())
    }

    /// Runs the clock `seconds` on; Ctrl-C stops it between two moments of the clock (the
    /// simulation stays at the last one run, as consistent as after any advance) and raises
    /// KeyboardInterrupt.
    fn advance(&self, py: Python<'_>, seconds: f64) -> PyResult<()> {
        self.interruptible(py, |sim, keep_going| sim.advance_while(seconds, keep_going))
    }

    /// Runs the clock to `time`; Ctrl-C stops it as it stops `advance`.
    fn run_until(&self, py: Python<'_>, time: f64) -> PyResult<()> {
        self.interruptible(py, |sim, keep_going| sim.run_until_while(time, keep_going))
    }

    /// Serves DNS for the Cloud Map DNS namespaces on 127.0.0.1:`port` (0: a free port).
    #[pyo3(signature = (port=0))]
    fn serve_dns(&self, port: u16) -> PyResult<dns::DnsServer> {
        dns::DnsServer::start(Arc::clone(&self.inner), port)
    }

    fn snapshot<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let snapshot = self
            .with(py, |sim| sim.snapshot())
            .map_err(|e| to_py_err(py, e))?;
        pythonize::pythonize(py, &snapshot)
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
    }

    #[staticmethod]
    fn restore(py: Python<'_>, snapshot: &Bound<'_, PyAny>) -> PyResult<Self> {
        let snapshot = to_json(snapshot)?;
        let inner = py
            .detach(|| guarded(|| ecsim_core::Simulation::restore(snapshot)))
            .map_err(|e| to_py_err(py, e))?;
        Ok(Simulation::wrapping(inner))
    }

    /// The simulation a scenario builds, and each step's answer.
    #[staticmethod]
    fn from_scenario<'py>(
        py: Python<'py>,
        scenario: &Bound<'py, PyAny>,
    ) -> PyResult<(Self, Bound<'py, PyAny>)> {
        let scenario = to_json(scenario)?;
        let loaded = py
            .detach(|| guarded(|| ecsim_core::Simulation::from_scenario(scenario)))
            .map_err(|e| to_py_err(py, e))?;
        let outputs = pythonize::pythonize(py, &loaded.outputs)
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
        Ok((Simulation::wrapping(loaded.simulation), outputs))
    }

    /// An independent simulation in the same state, with the same future.
    fn fork(&self, py: Python<'_>) -> PyResult<Self> {
        let inner = self
            .with(py, |sim| sim.fork())
            .map_err(|e| to_py_err(py, e))?;
        Ok(Simulation::wrapping(inner))
    }

    #[staticmethod]
    fn check_service(py: Python<'_>, service: &str) -> PyResult<()> {
        ecsim_core::Simulation::check_service(service).map_err(|e| to_py_err(py, e))
    }

    fn call<'py>(
        &self,
        py: Python<'py>,
        service: &str,
        action: &str,
        input: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let input = to_json(input)?;
        let spare = self
            .spare_tape
            .lock()
            .map(|mut t| t.take())
            .unwrap_or_default();
        let mut tape = spare.unwrap_or_default();
        // The tape is written without the GIL, then read into objects with it: no JSON value or
        // dynamically dispatched serializer between.
        let tape = self
            .with(py, |sim| {
                sim.call_answer(service, action, input)
                    .and_then(|answer| answer.write_tape(&mut tape))
                    .map(|()| tape)
            })
            .map_err(|e| to_py_err(py, e))?;
        let answer = {
            let mut strings = self.strings.lock().unwrap_or_else(|p| p.into_inner());
            answer::to_python(py, &mut strings, &tape)
        };
        // An exceptional answer's buffers (a DescribeTasks of thousands) are not kept.
        if tape.tokens.capacity() <= KEPT_TAPE_TOKENS {
            if let Ok(mut spare) = self.spare_tape.lock() {
                *spare = Some(tape);
            }
        }
        answer
    }
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("EcsimError", py.get_type::<EcsimError>())?;
    for (code, class) in error_types(py)? {
        m.add(code.class_name(), class.bind(py))?;
    }
    m.add_class::<Diagnostic>()?;
    m.add_class::<Simulation>()?;
    m.add_class::<dns::DnsServer>()?;
    m.add_function(wrap_pyfunction!(validate_task_definition, m)?)?;
    m.add_function(wrap_pyfunction!(math, m)?)?;
    m.add_function(wrap_pyfunction!(validate_template, m)?)?;
    m.add_function(wrap_pyfunction!(format_report, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_probe, m)?)?;
    m.add_function(wrap_pyfunction!(services, m)?)?;
    m.add_function(wrap_pyfunction!(operation_input, m)?)?;
    m.add_function(wrap_pyfunction!(instance_types, m)?)?;
    m.add_function(wrap_pyfunction!(rules, m)?)?;
    m.add_function(wrap_pyfunction!(validate_task_definition_text, m)?)?;
    Ok(())
}
