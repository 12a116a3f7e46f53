package cyclegan4j.backend.cpu;

import cyclegan4j.backend.Buffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArrayPoolTest {

    @Test
    void reusesAnArrayOfTheSameLengthOnly() {
        ArrayPool pool = new ArrayPool(1 << 20, false);
        float[] a = pool.take(100);
        pool.give(a);
        assertEquals(400, pool.keptBytes());
        assertNotSame(a, pool.take(99), "another length gets a new array");
        assertSame(a, pool.take(100));
        assertEquals(0, pool.keptBytes());
        assertNotSame(a, pool.take(100), "an array is handed out once");
    }

    @Test
    void poisonFillsReusedArraysWithNaN() {
        ArrayPool pool = new ArrayPool(1 << 20, true);
        float[] a = pool.take(8);
        pool.give(a);
        float[] b = pool.take(8);
        assertSame(a, b);
        for (float v : b) {
            assertTrue(Float.isNaN(v));
        }
    }

    @Test
    void dropsTheLeastRecentlyUsedLengthsBeyondTheCap() {
        ArrayPool pool = new ArrayPool(4 * 250, false); // room for 250 floats
        float[] a = pool.take(100), b = pool.take(100), c = pool.take(50);
        pool.give(a);
        pool.give(c);
        pool.take(100); // length 100 used again: 50 is now the least recent
        pool.give(b);
        pool.give(pool.take(120)); // 100 + 120 fit only without 50
        assertEquals(4 * 220, pool.keptBytes());
        assertNotSame(c, pool.take(50));
        assertSame(b, pool.take(100));
        pool.give(new float[300]); // larger than the cap: not kept, nothing dropped for it
        assertEquals(4 * 120, pool.keptBytes());
    }

    @Test
    void disabledPoolKeepsNothing() {
        ArrayPool pool = new ArrayPool(0, false);
        float[] a = pool.take(10);
        pool.give(a);
        assertEquals(0, pool.keptBytes());
        assertNotSame(a, pool.take(10));
    }

    @Test
    void backendBuffersGiveTheirArraysBackOnce() {
        ArrayPool pool = new ArrayPool(1 << 20, false);
        CpuBuffer x = new CpuBuffer(64, new cyclegan4j.backend.MemoryStats(), pool);
        float[] array = x.array();
        x.close();
        x.close();
        assertEquals(4 * 64, pool.keptBytes(), "a second close gives nothing back");
        Buffer y = new CpuBuffer(64, new cyclegan4j.backend.MemoryStats(), pool);
        assertSame(array, ((CpuBuffer) y).array());
    }
}
