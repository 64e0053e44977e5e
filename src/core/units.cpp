// The unit vocabulary (see units.hpp).
#include "chipdse/core/units.hpp"

#include <array>

namespace chipdse {

namespace {
constexpr std::array kUnits = {
    UnitInfo{"USD", "US dollars"},
    UnitInfo{"USD/wafer", "US dollars per processed 300 mm wafer"},
    UnitInfo{"USD/mm2", "US dollars per square millimetre"},
    UnitInfo{"USD/GB", "US dollars per gigabyte of memory"},
    UnitInfo{"USD/Gbps", "US dollars per gigabit per second of link bandwidth"},
    UnitInfo{"USD/stack", "US dollars per HBM stack"},
    UnitInfo{"USD/die", "US dollars per die"},
    UnitInfo{"USD/s", "US dollars per second of machine (tester) time"},
    UnitInfo{"MUSD", "millions of US dollars"},
    UnitInfo{"MUSD/mm2", "millions of US dollars per square millimetre of unique design"},
    UnitInfo{"defects/cm2", "killer defect density per square centimetre"},
    UnitInfo{"MTr/mm2", "millions of transistors per square millimetre"},
    UnitInfo{"um2", "square micrometres"},
    UnitInfo{"mm2", "square millimetres"},
    UnitInfo{"mm", "millimetres"},
    UnitInfo{"um", "micrometres"},
    UnitInfo{"m", "metres"},
    UnitInfo{"V", "volts"},
    UnitInfo{"W", "watts"},
    UnitInfo{"W/mm2", "watts per square millimetre"},
    UnitInfo{"W/m2K", "watts per square metre and kelvin (heat-transfer coefficient)"},
    UnitInfo{"W/mK", "watts per metre and kelvin (thermal conductivity)"},
    UnitInfo{"K.cm2/W", "kelvin square centimetres per watt (area-specific thermal resistance)"},
    UnitInfo{"K/W", "kelvin per watt (thermal resistance)"},
    UnitInfo{"C", "degrees Celsius"},
    UnitInfo{"K", "kelvin"},
    UnitInfo{"1/K", "per kelvin (a temperature coefficient)"},
    UnitInfo{"pJ/bit", "picojoules per bit moved"},
    UnitInfo{"pJ/FLOP", "picojoules per floating-point operation"},
    UnitInfo{"pJ", "picojoules"},
    UnitInfo{"bit", "bits"},
    UnitInfo{"GB", "gigabytes (10^9 bytes)"},
    UnitInfo{"GB/s", "gigabytes per second"},
    UnitInfo{"Gbps", "gigabits per second"},
    UnitInfo{"Tbps", "terabits per second"},
    UnitInfo{"Tbps/mm", "terabits per second per millimetre of die edge (shoreline)"},
    UnitInfo{"Tbps/mm2", "terabits per second per square millimetre (areal bandwidth density)"},
    UnitInfo{"mm2/Tbps", "square millimetres of PHY per terabit per second"},
    UnitInfo{"GT/s", "gigatransfers per second per lane"},
    UnitInfo{"ns", "nanoseconds"},
    UnitInfo{"ns/m", "nanoseconds per metre (signal time of flight)"},
    UnitInfo{"GHz", "gigahertz"},
    UnitInfo{"USD/kWh", "US dollars per kilowatt-hour"},
    UnitInfo{"s", "seconds"},
    UnitInfo{"h", "hours"},
    UnitInfo{"FIT", "failures per 10^9 device hours"},
    UnitInfo{"TFLOPS", "10^12 floating-point operations per second"},
    UnitInfo{"TFLOPS/mm2", "10^12 floating-point operations per second per square millimetre"},
    UnitInfo{"MB", "megabytes (10^6 bytes)"},
    UnitInfo{"fraction", "a share between 0 and 1"},
    UnitInfo{"%", "percent"},
    UnitInfo{"x", "a dimensionless ratio"},
    UnitInfo{"-", "a dimensionless count or parameter"},
    UnitInfo{"year", "calendar year"},
};
}  // namespace

std::span<const UnitInfo> unit_vocabulary() noexcept { return kUnits; }

bool is_known_unit(std::string_view symbol) noexcept {
  for (const auto& u : kUnits)
    if (u.symbol == symbol) return true;
  return false;
}

}  // namespace chipdse
