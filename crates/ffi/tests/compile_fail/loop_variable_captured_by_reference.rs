// The source's second example had Python threads capture the loop variable late. In Rust a
// closure that borrows `i` cannot be handed to a thread that may outlive the loop iteration:
// rejected, with the fix (`move`) suggested by the compiler.
// ANCHOR: loop_capture
fn main() {
    let mut handles = Vec::new();
    for i in 0..5 {
        handles.push(std::thread::spawn(|| ffi::add(i, i)));
    }
    for h in handles {
        println!("{:?}", h.join().unwrap());
    }
}
// ANCHOR_END: loop_capture
