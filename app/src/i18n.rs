//! Every string the user sees, Simplified Chinese first. A missing
//! translation is a compile error: each locale is an exhaustive `match`.

use std::cell::OnceCell;

use leptos::prelude::*;
use shared::codes::Code;

/// The languages of the interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Locale {
    Zh,
    En,
}

/// A user-visible message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Msg {
    AppName,
    Username,
    Password,
    LogIn,
    LoggingIn,
    LogOut,
    Households,
    Coverage,
    Members,
    Surveyed,
    NotSurveyed,
    Submit,
    Submitting,
    Accepted,
    BackToList,
    Loading,
    Retry,
    NetworkError,
    EmploymentStatus,
    Channel,
    WorkPlace,
    NotSet,
    Age,
    Grid,
    HouseholdsInRoster,
    SurveyedThisRound,
    Round,
    SessionExpired,
    NoSuchHousehold,
    People,
    MonthsWorked,
    MonthlyIncome,
    WillingToTrain,
    IntendedWork,
    Yes,
    No,
    VisitedThisRound,
    Missed,
    MarkVisit,
    ChooseOutcome,
    VisitRecorded,
    OtherOutcome,
}

fn zh_cn(msg: Msg) -> &'static str {
    match msg {
        Msg::AppName => "安居·劳动力调查",
        Msg::Username => "用户名",
        Msg::Password => "密码",
        Msg::LogIn => "登录",
        Msg::LoggingIn => "正在登录…",
        Msg::LogOut => "退出",
        Msg::Households => "住户",
        Msg::Coverage => "调查进度",
        Msg::Members => "家庭成员",
        Msg::Surveyed => "已调查",
        Msg::NotSurveyed => "未调查",
        Msg::Submit => "提交",
        Msg::Submitting => "正在提交…",
        Msg::Accepted => "已提交，服务器已接收",
        Msg::BackToList => "返回住户列表",
        Msg::Loading => "加载中…",
        Msg::Retry => "重试",
        Msg::NetworkError => "网络连接失败，请稍后重试",
        Msg::EmploymentStatus => "就业状态",
        Msg::Channel => "就业渠道",
        Msg::WorkPlace => "务工地点",
        Msg::NotSet => "未填写",
        Msg::Age => "岁",
        Msg::Grid => "网格",
        Msg::HouseholdsInRoster => "总户数",
        Msg::SurveyedThisRound => "已调查",
        Msg::Round => "季度",
        Msg::SessionExpired => "登录已过期，请重新登录",
        Msg::NoSuchHousehold => "找不到该户",
        Msg::People => "人",
        Msg::MonthsWorked => "今年务工月数",
        Msg::MonthlyIncome => "月收入（元）",
        Msg::WillingToTrain => "是否愿意参加培训",
        Msg::IntendedWork => "就业意向（想做什么工作）",
        Msg::Yes => "是",
        Msg::No => "否",
        Msg::VisitedThisRound => "已走访",
        Msg::Missed => "遗漏",
        Msg::MarkVisit => "走访",
        Msg::ChooseOutcome => "走访结果",
        Msg::VisitRecorded => "已记录走访",
        Msg::OtherOutcome => "未见面/其他…",
    }
}

fn en(msg: Msg) -> &'static str {
    match msg {
        Msg::AppName => "Anju labour survey",
        Msg::Username => "Username",
        Msg::Password => "Password",
        Msg::LogIn => "Log in",
        Msg::LoggingIn => "Logging in…",
        Msg::LogOut => "Log out",
        Msg::Households => "Households",
        Msg::Coverage => "Coverage",
        Msg::Members => "Members",
        Msg::Surveyed => "Surveyed",
        Msg::NotSurveyed => "Not yet",
        Msg::Submit => "Submit",
        Msg::Submitting => "Submitting…",
        Msg::Accepted => "Submitted; the server has it",
        Msg::BackToList => "Back to households",
        Msg::Loading => "Loading…",
        Msg::Retry => "Retry",
        Msg::NetworkError => "No connection; please try again",
        Msg::EmploymentStatus => "Employment",
        Msg::Channel => "Channel",
        Msg::WorkPlace => "Place of work",
        Msg::NotSet => "Not set",
        Msg::Age => "yrs",
        Msg::Grid => "Grid",
        Msg::HouseholdsInRoster => "Households",
        Msg::SurveyedThisRound => "Surveyed",
        Msg::Round => "Round",
        Msg::SessionExpired => "Your session expired; please log in again",
        Msg::NoSuchHousehold => "No such household",
        Msg::People => "people",
        Msg::MonthsWorked => "Months worked this year",
        Msg::MonthlyIncome => "Monthly income (yuan)",
        Msg::WillingToTrain => "Willing to train",
        Msg::IntendedWork => "Intended work",
        Msg::Yes => "Yes",
        Msg::No => "No",
        Msg::VisitedThisRound => "Visited",
        Msg::Missed => "Missed",
        Msg::MarkVisit => "Visit",
        Msg::ChooseOutcome => "Outcome of the visit",
        Msg::VisitRecorded => "Visit recorded",
        Msg::OtherOutcome => "Not met / other…",
    }
}

thread_local! {
    // Reference-counted rather than arena-owned: it must outlive whichever
    // component happens to read it first.
    static LOCALE: OnceCell<ArcRwSignal<Locale>> = const { OnceCell::new() };
}

/// The interface language, as a signal so that views follow a switch.
pub fn locale() -> ArcRwSignal<Locale> {
    LOCALE.with(|cell| cell.get_or_init(|| ArcRwSignal::new(Locale::Zh)).clone())
}

/// `msg` in the current language.
pub fn tr(msg: Msg) -> &'static str {
    match locale().get_untracked() {
        Locale::Zh => zh_cn(msg),
        Locale::En => en(msg),
    }
}

/// The label of a closed-list value in the current language.
pub fn label<T: Code>(value: T) -> &'static str {
    match locale().get_untracked() {
        Locale::Zh => value.zh(),
        Locale::En => value.en(),
    }
}

/// A server error code in the current language, for codes the app knows.
pub fn server_error(code: &str, fallback: &str) -> String {
    match code {
        "unauthenticated" => tr(Msg::SessionExpired).into(),
        "unknown_household" => tr(Msg::NoSuchHousehold).into(),
        _ => fallback.into(),
    }
}
