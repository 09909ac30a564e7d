//! `Simulation.serve_dns`: a DNS server over the simulation's Cloud Map registry, on 127.0.0.1,
//! answering from the live simulation under its lock (so never while a call holds it).

use pyo3::prelude::*;
use std::sync::{Arc, Mutex};

/// A running DNS server (`ecsim._native.DnsServer`): `port`, `stop()`, and a context manager.
#[pyclass(module = "ecsim._native")]
pub struct DnsServer {
    server: ecsim_dns::DnsServer,
}

impl DnsServer {
    pub fn start(simulation: Arc<Mutex<ecsim_core::Simulation>>, port: u16) -> PyResult<DnsServer> {
        let resolve = move |name: &str, query| {
            let simulation = simulation.lock().unwrap_or_else(|p| p.into_inner());
            simulation.resolve_dns(name, query)
        };
        let server = ecsim_dns::DnsServer::start(port, Arc::new(resolve)).map_err(|e| {
            pyo3::exceptions::PyOSError::new_err(format!(
                "serve_dns: cannot listen on 127.0.0.1:{port}: {e}"
            ))
        })?;
        Ok(DnsServer { server })
    }
}

#[pymethods]
impl DnsServer {
    /// The port it answers on, UDP and TCP.
    #[getter]
    fn port(&self) -> u16 {
        self.server.port()
    }

    /// Stops answering and frees the port.
    fn stop(&mut self, py: Python<'_>) {
        py.detach(|| self.server.stop());
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __exit__(
        &mut self,
        py: Python<'_>,
        _kind: Option<Py<PyAny>>,
        _value: Option<Py<PyAny>>,
        _traceback: Option<Py<PyAny>>,
    ) {
        self.stop(py);
    }
}
