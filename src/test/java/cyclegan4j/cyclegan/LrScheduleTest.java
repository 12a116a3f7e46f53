package cyclegan4j.cyclegan;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LrScheduleTest {

    @Test
    void constantThenLinearToZero() {
        LrSchedule s = new LrSchedule(2e-4f, 200, 100);
        assertEquals(2e-4f, s.at(0));
        assertEquals(2e-4f, s.at(100));
        assertEquals(1e-4f, s.at(150), 1e-10);
        assertEquals(2e-6f, s.at(199), 1e-10);
        assertEquals(0f, s.at(200), 1e-12);
    }

    @Test
    void rejectsDecayAfterEnd() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LrSchedule(1e-3f, 10, 10));
        assertEquals(true, e.getMessage().contains("decay-epoch"));
    }
}
