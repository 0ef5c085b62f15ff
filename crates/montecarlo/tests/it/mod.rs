mod common;
mod determinism;
mod distributions;
mod engine;
mod observers;
mod sampling;
mod shapley;
mod sketch;
