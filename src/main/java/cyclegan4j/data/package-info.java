/**
 * Training data: unaligned image folders in the CycleGAN layout, decoded and augmented as the
 * reference implementation (PIL + torchvision) does, prefetched by background threads.
 *
 * <pre>
 * root/trainA, root/trainB (or testA, testB)
 *   ImageFolder.scan        recursive, sorted; non-images counted, unreadable files named (warnings)
 *   UnalignedDataset.get    item i of epoch e: A[i % |A|], B random; RNG = f(seed, e, i)
 *     ImageCodec.read       ImageIO -> 8-bit RGB planes (gray replicated, palette looked up,
 *                           alpha dropped, 16-bit scaled) or PIL luma for one channel
 *     Transforms.apply      Bicubic.resize (PIL-exact) -> random crop -> random flip -> x/127.5-1
 *   PrefetchLoader.next     ordered batches [N, C, crop, crop], decoded ahead by worker threads
 * ImageWriter               [-1, 1] CHW/NCHW -> PNG, sample grids
 * </pre>
 *
 * <p>A typical training loop:
 * <pre>{@code
 * // Called during the scan, and later from loader threads for images that fail to decode
 * // (calls are serialised by the data set).
 * Consumer<String> warn = w -> System.err.println("warning: " + w);
 * UnalignedDataset data = UnalignedDataset.open(root, "train", DataOptions.train(256, 3), seed, warn);
 * try (PrefetchLoader loader = new PrefetchLoader(data, batchSize, threads, 2 * threads, startEpoch)) {
 *     for (int step = 0; ...; step++) {
 *         Batch b = loader.next();
 *         try (Scope s = Scope.open()) { Tensor realA = b.tensorA(backend); ... }
 *     }
 * }
 * }</pre>
 */
package cyclegan4j.data;
