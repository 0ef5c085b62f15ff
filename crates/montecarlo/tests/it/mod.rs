mod common;
mod determinism;
mod distributions;
mod engine;
mod sampling;
mod sketch;
