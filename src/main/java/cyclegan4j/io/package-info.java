/**
 * Checkpoints in the safetensors format, readable by PyTorch; PyTorch's own {@code .pth} files read.
 *
 * <ul>
 *   <li>{@link cyclegan4j.io.SafeTensors}: the file format (F32 written and read; headers of other
 *       dtypes can be inspected with {@code readHeader}); atomic writes; strict, bounded reads that
 *       fail with {@link cyclegan4j.io.CheckpointFormatException}.</li>
 *   <li>{@link cyclegan4j.io.Checkpoint}: the contents of a file, named tensors
 *       ({@link cyclegan4j.io.TensorData}) and string metadata.</li>
 *   <li>{@link cyclegan4j.io.Checkpoints}: modules and Adam optimizers in and out of a
 *       {@code Checkpoint}, with PyTorch-compatible names.</li>
 *   <li>{@link cyclegan4j.io.TorchFile}: the state_dicts {@code torch.save} writes, read into a
 *       {@code Checkpoint} through a restricted unpickler ({@code Pickle}) that runs nothing;
 *       {@link cyclegan4j.io.Checkpoint#load} tells the two formats apart by their first bytes.</li>
 * </ul>
 *
 * <p>Layout of a training checkpoint: the networks under {@code G_AB.}, {@code G_BA.}, {@code D_A.},
 * {@code D_B.} followed by their {@code state_dict} names; each optimizer {@code name} as
 * {@code name.state.<i>.exp_avg} / {@code exp_avg_sq} tensors plus {@code name.step},
 * {@code name.lr}, {@code name.num_params} metadata; {@code epoch}, {@code iteration},
 * {@code rng_state} and the options ({@code option.<key>}) as metadata strings. In Python:
 * <pre>{@code
 * from safetensors.torch import load_file
 * sd = load_file("checkpoint.safetensors")
 * G_AB.load_state_dict({k[len("G_AB."):]: v for k, v in sd.items() if k.startswith("G_AB.")})
 * }</pre>
 */
package cyclegan4j.io;
