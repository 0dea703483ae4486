// The full-screen front end of `lockstep step` (ncurses): single keys move through the run,
// values that changed this cycle are highlighted, and ':' takes any line-mode command.
#include "step_screen.h"

#include "common/error.h"

#include <cstdlib>
#include <sstream>

// ncurses' function-like macros (move, clear, erase...) would collide with C++ names.
#define NCURSES_NOMACROS
#include <curses.h>

namespace lockstep {

namespace {

const char* const kKeys =
    " n/p step  N/P 10  PgDn/PgUp 100  Home/End  g goto  b break  c/r run to a break  : command  ? help  q quit";

const char* const kKeyHelp = R"(keys:
  n, space, Right   next cycle               p, Left, Backspace   previous cycle
  N / P             10 cycles on / back      PgDn / PgUp          100 cycles on / back
  Home / End        first / last cycle       g                    go to a cycle (asks for it)
  b                 set a breakpoint         c / r                run forward / backward to a hit
  Up / Down, k / j  scroll a tall view       :                    type any command below
  ?                 this help (any key)      q                    quit

)";

enum Colour : short { kTitle = 1, kChanged, kActive, kLoaded, kError };

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// Ends curses mode however the session ends, so the terminal is never left raw.
class Terminal {
public:
    Terminal() {
        const char* term = std::getenv("TERM");
        if (term == nullptr || *term == '\0' || std::string(term) == "dumb") return;   // no cursor addressing
        screen_ = newterm(nullptr, stdout, stdin);
        if (screen_ == nullptr) return;
        cbreak();
        noecho();
        keypad(stdscr, TRUE);
        set_escdelay(25);
        curs_set(0);
        if (has_colors()) {
            start_color();
            use_default_colors();
            init_pair(kTitle, COLOR_BLACK, COLOR_CYAN);
            init_pair(kChanged, COLOR_YELLOW, -1);
            init_pair(kActive, COLOR_GREEN, -1);
            init_pair(kLoaded, COLOR_CYAN, -1);
            init_pair(kError, COLOR_RED, -1);
        }
    }
    ~Terminal() {
        if (screen_ == nullptr) return;
        endwin();
        delscreen(screen_);
    }
    Terminal(const Terminal&) = delete;
    Terminal& operator=(const Terminal&) = delete;
    bool ok() const { return screen_ != nullptr; }

private:
    SCREEN* screen_ = nullptr;
};

class Screen {
public:
    Screen(Stepper& stepper, std::string dir) : stepper_(stepper), dir_(std::move(dir)) { stepper_.print_views = false; }

    void run() {
        bool going = true;
        int failed_reads = 0;
        while (going) {
            draw();
            const int k = getch();
            if (k == ERR) {   // the terminal went away (stdin closed): stop rather than spin
                if (++failed_reads > 100) break;
                continue;
            }
            failed_reads = 0;
            if (help_ && k != KEY_RESIZE) {   // any key closes the help
                help_ = false;
                continue;
            }
            going = key(k);
        }
    }

private:
    bool key(int k) {
        switch (k) {
            case 'q': case 'Q': return false;
            case 'n': case ' ': case KEY_RIGHT: return command("next");
            case 'p': case KEY_LEFT: case KEY_BACKSPACE: case 127: return command("prev");
            case 'N': return command("next 10");
            case 'P': return command("prev 10");
            case KEY_NPAGE: return command("next 100");
            case KEY_PPAGE: return command("prev 100");
            case KEY_HOME: case '<': return command("first");
            case KEY_END: case '>': return command("last");
            case 'c': return command("continue");
            case 'r': return command("reverse");
            case 'g': return answer("goto cycle: ", "goto ");
            case 'b': return answer("break at (e.g. pc=15, state=wait, pe=1,2, mismatch): ", "break ");
            case ':': return answer(":", "");
            case '?': case 'h': help_ = true; return true;
            case KEY_UP: case 'k': scroll_ = scroll_ > 0 ? scroll_ - 1 : 0; return true;
            case KEY_DOWN: case 'j': ++scroll_; return true;
            case KEY_RESIZE: return true;
            default: say(fmt_key(k) + ": not a key of the stepper (? lists them)", true); return true;
        }
    }

    static std::string fmt_key(int k) {
        const char* name = keyname(k);
        return name != nullptr ? name : "key";
    }

    // Asks, then runs `verb` with the answer; an empty answer cancels.
    bool answer(const std::string& question, const std::string& verb) {
        const std::string text = ask(question);
        if (text.find_first_not_of(' ') == std::string::npos) {
            say("", false);
            return true;
        }
        return command(verb + text);
    }

    bool command(const std::string& line) {
        help_ = line == "h" || line == "help" || line == "?";
        if (help_) return true;
        std::ostringstream out;
        try {
            const bool going = stepper_.execute(line, out);
            say(out.str(), false);
            return going;
        } catch (const Error& e) {
            say(std::string("error: ") + e.what(), true);
            return true;
        }
    }

    void say(const std::string& text, bool error) {
        message_ = split_lines(text);
        message_error_ = error;
    }

    // Reads a line at the bottom of the screen; an empty answer cancels.
    std::string ask(const std::string& label) {
        mvhline(LINES - 1, 0, ' ', COLS);
        mvaddnstr(LINES - 1, 0, label.c_str(), COLS);
        echo();
        curs_set(1);
        char buf[256] = {};
        getnstr(buf, sizeof buf - 1);
        noecho();
        curs_set(0);
        return buf;
    }

    void draw() {
        erase();
        std::ostringstream view;
        try {
            stepper_.show(view);
        } catch (const Error& e) {   // a damaged record: say so, and let the user move elsewhere
            view << "error: " << e.what() << "\n";
        }
        std::vector<std::string> lines = wrap(split_lines(help_ ? kKeyHelp + std::string(kStepperHelp) : view.str()));
        const int messages_shown = std::min<int>(static_cast<int>(message_.size()), std::max(0, LINES / 3));
        if (!help_ && stepper_.memory_recorded() && !stepper_.memory_shown()) {   // the data memory, if it fits
            std::ostringstream memory;
            try {
                stepper_.show_memory(memory);
            } catch (const Error& e) {
                memory << "data memory: " << e.what() << "\n";
            }
            const std::vector<std::string> more = wrap(split_lines(memory.str()));
            if (lines.size() + more.size() + 2 <= static_cast<size_t>(std::max(0, LINES - 2 - messages_shown))) {
                lines.insert(lines.end(), more.begin(), more.end());
            }
        }

        const std::string title = " lockstep step " + dir_ + "   cycle " + std::to_string(stepper_.cycle()) + " (of 0.." +
                                  std::to_string(stepper_.last()) + ")" + "   " + std::to_string(stepper_.breakpoints()) +
                                  " breakpoint" + (stepper_.breakpoints() == 1 ? "" : "s");
        attron(COLOR_PAIR(kTitle) | A_BOLD);
        mvhline(0, 0, ' ', COLS);
        mvaddnstr(0, 0, title.c_str(), COLS);
        attroff(COLOR_PAIR(kTitle) | A_BOLD);

        const int messages = messages_shown;
        const int rows = std::max(0, LINES - 2 - messages);
        const int most = std::max(0, static_cast<int>(lines.size()) - rows);
        scroll_ = std::min(scroll_, most);
        for (int y = 0; y < rows && scroll_ + y < static_cast<int>(lines.size()); ++y) {
            draw_line(1 + y, lines[static_cast<size_t>(scroll_ + y)]);
        }
        if (scroll_ < most) mvaddnstr(rows, std::max(0, COLS - 12), " [more: j] ", COLS);

        const int first = static_cast<int>(message_.size()) - messages;   // the last lines matter most
        if (message_error_) attron(COLOR_PAIR(kError) | A_BOLD);
        for (int i = 0; i < messages; ++i) {
            mvaddnstr(1 + rows + i, 0, message_[static_cast<size_t>(first + i)].c_str(), COLS);
        }
        if (message_error_) attroff(COLOR_PAIR(kError) | A_BOLD);
        attron(A_REVERSE);
        mvhline(LINES - 1, 0, ' ', COLS);
        mvaddnstr(LINES - 1, 0, kKeys, COLS);
        attroff(A_REVERSE);
        refresh();
    }

    // Lines wider than the terminal continue on the next, indented, broken at a space.
    static std::vector<std::string> wrap(const std::vector<std::string>& lines) {
        const size_t width = static_cast<size_t>(std::max(COLS, 20));
        std::vector<std::string> out;
        for (std::string line : lines) {
            while (line.size() > width) {
                size_t cut = line.rfind(' ', width);
                if (cut == std::string::npos || cut < width / 2) cut = width;
                out.push_back(line.substr(0, cut));
                line = "    " + line.substr(line.find_first_not_of(' ', cut) == std::string::npos ? line.size() : line.find_first_not_of(' ', cut));
            }
            out.push_back(line);
        }
        return out;
    }

    // The line-mode marks become colour: "R1=5*" is drawn as a highlighted "R1=5 ", so the
    // columns stay where line mode puts them; active PEs in the grid are coloured too.
    static void draw_line(int y, const std::string& line) {
        const bool grid = line.rfind("  row", 0) == 0;
        int x = 0;
        size_t i = 0;
        while (i < line.size() && x < COLS) {
            const size_t end = std::min(line.find(' ', i), line.size());
            if (end == i) {
                mvaddch(y, x++, ' ');
                ++i;
                continue;
            }
            const std::string word = line.substr(i, end - i);
            const bool changed = word.size() > 1 && word.back() == '*';
            const bool glyphs = grid && word.find_first_not_of("#ow.") == std::string::npos;
            for (size_t c = 0; c < word.size() && x < COLS; ++c, ++x) {
                chtype attr = A_NORMAL;
                if (changed) attr = COLOR_PAIR(kChanged) | A_BOLD;
                if (glyphs && word[c] == '#') attr = COLOR_PAIR(kActive) | A_BOLD;
                if (glyphs && word[c] == 'o') attr = COLOR_PAIR(kLoaded);
                const char ch = changed && c + 1 == word.size() ? ' ' : word[c];
                mvaddch(y, x, static_cast<chtype>(static_cast<unsigned char>(ch)) | attr);
            }
            i = end;
        }
    }

    Stepper& stepper_;
    std::string dir_;
    std::vector<std::string> message_;
    bool message_error_ = false;
    bool help_ = false;
    int scroll_ = 0;
};

}  // namespace

bool run_step_screen(Stepper& stepper, const std::string& dir) {
    Terminal terminal;
    if (!terminal.ok()) return false;
    Screen(stepper, dir).run();
    return true;
}

}  // namespace lockstep
