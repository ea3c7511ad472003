package generate

// Survey languages, in the order of the text tables below.
const (
	langEN = iota
	langPL
	langVI
	langKA
	numLangs
)

var langCodes = [numLangs]string{"en", "pl", "vi", "ka"}

func langIndex(code string) int {
	for i, c := range langCodes {
		if c == code {
			return i
		}
	}
	return langEN
}

// Survey questions: id and text per language.
type question struct {
	id   string
	text [numLangs]string
}

var (
	qBudget = question{"budget", [numLangs]string{
		"What is your budget for a typical purchase?",
		"Jaki jest Twój budżet na typowe zakupy?",
		"Ngân sách của bạn cho một lần mua sắm thông thường là bao nhiêu?",
		"რა ბიუჯეტი გაქვთ ჩვეულებრივი შენაძენისთვის?",
	}}
	qGoal = question{"main_goal", [numLangs]string{
		"What is your main goal when you shop with us?",
		"Jaki jest Twój główny cel zakupów u nas?",
		"Mục tiêu chính của bạn khi mua sắm ở cửa hàng chúng tôi là gì?",
		"რა არის თქვენი მთავარი მიზანი, როცა ჩვენთან ყიდულობთ?",
	}}
	qSatisfaction = question{"satisfaction", [numLangs]string{
		"How satisfied are you with our shop (1-10)?",
		"Jak oceniasz nasz sklep w skali od 1 do 10?",
		"Bạn hài lòng với cửa hàng của chúng tôi ở mức nào (1-10)?",
		"რამდენად კმაყოფილი ხართ ჩვენი მაღაზიით (1-10)?",
	}}
	qWhy = question{"why", [numLangs]string{
		"Why do you buy from us, or why not? What frustrates you?",
		"Dlaczego robisz u nas zakupy albo dlaczego nie? Co Cię irytuje?",
		"Vì sao bạn mua hoặc không mua hàng của chúng tôi? Điều gì khiến bạn không hài lòng?",
		"რატომ ყიდულობთ ან რატომ არ ყიდულობთ ჩვენთან? რა გაღიზიანებთ?",
	}}
)

// Themes of the open answer. Each archetype answers mostly in its own theme.
const (
	themeQuality = iota
	themeLoyal
	themeGifts
	themeImpulse
	themeComfort
	themeInspiration
	themeResearch
	themePrice
	themeSizes
	themeSupport
	themeDiscounts
	themeComplicated
	themeOneTime
	themeCasual
	numThemes
)

// answers[theme][lang] lists natural answers to the "why" question.
var answers = [numThemes][numLangs][]string{
	themeQuality: {
		{
			"I compared several models for weeks before ordering. The quality is worth the price.",
			"Great quality and honest product descriptions. I read all the reviews first, then bought online.",
			"I don't mind paying more for something that lasts. The premium headphones are excellent.",
		},
		{
			"Zanim coś zamówię, długo porównuję modele. Ta jakość jest warta swojej ceny.",
			"Świetna jakość i rzetelne opisy produktów. Najpierw czytam wszystkie recenzje, potem kupuję online.",
			"Wolę zapłacić więcej za coś, co posłuży latami. Słuchawki z linii premium są znakomite.",
		},
		{
			"Tôi đã so sánh nhiều mẫu trong vài tuần trước khi đặt hàng. Chất lượng xứng đáng với giá tiền.",
			"Chất lượng tuyệt vời, mô tả sản phẩm rõ ràng. Tôi đọc hết các đánh giá rồi mới mua online.",
			"Tôi sẵn sàng trả nhiều hơn cho đồ dùng bền. Tai nghe dòng cao cấp rất tốt.",
		},
		{
			"შეკვეთამდე რამდენიმე კვირა ვადარებდი სხვადასხვა მოდელს. ხარისხი ნამდვილად ამართლებს ფასს.",
			"შესანიშნავი ხარისხი და მკაფიო აღწერა. ჯერ ყველა შეფასება წავიკითხე, მერე ონლაინ ვიყიდე.",
			"მირჩევნია მეტი გადავიხადო ისეთ ნივთში, რომელიც დიდხანს გამიძლებს. პრემიუმ ყურსასმენები შესანიშნავია.",
		},
	},
	themeLoyal: {
		{
			"I order about once a month. Delivery is always on time and the newsletter offers are useful.",
			"A reliable shop, I know what I get. I come back for the same basics.",
			"Good prices for regular customers and fast delivery.",
		},
		{
			"Zamawiam mniej więcej raz w miesiącu. Dostawa zawsze na czas, a oferty z newslettera są przydatne.",
			"Sprawdzony sklep, wiem, czego się spodziewać. Wracam po te same podstawowe rzeczy.",
			"Dobre ceny dla stałych klientów i szybka dostawa.",
		},
		{
			"Tôi đặt hàng khoảng mỗi tháng một lần. Giao hàng luôn đúng hẹn và ưu đãi trong bản tin rất hữu ích.",
			"Cửa hàng uy tín, tôi biết mình sẽ nhận được gì. Tôi thường quay lại mua những món cơ bản quen thuộc.",
			"Giá tốt cho khách hàng thân thiết và giao hàng nhanh.",
		},
		{
			"დაახლოებით თვეში ერთხელ ვუკვეთავ. მიწოდება ყოველთვის დროულია, წერილებში კი კარგი შეთავაზებებია.",
			"სანდო მაღაზიაა, ვიცი, რას ვიღებ. ისევ და ისევ ვბრუნდები იმავე საჭირო ნივთების საყიდლად.",
			"კარგი ფასები მუდმივი მომხმარებლებისთვის და სწრაფი მიწოდება.",
		},
	},
	themeGifts: {
		{
			"I only shop here before Christmas, for gifts for the whole family.",
			"Nice gift sets and gift wrapping. I buy presents here every December.",
			"Gifts for my grandchildren. They loved them last year.",
		},
		{
			"Kupuję tu tylko przed świętami, prezenty dla całej rodziny.",
			"Ładne zestawy prezentowe i pakowanie na prezent. Co roku w grudniu kupuję tu upominki.",
			"Prezenty dla wnuków. W zeszłym roku bardzo im się podobały.",
		},
		{
			"Tôi chỉ mua ở đây trước Giáng sinh và Tết, để làm quà cho cả gia đình.",
			"Hộp quà đẹp, có gói quà. Năm nào tôi cũng mua quà ở đây vào tháng Mười Hai.",
			"Quà cho các cháu. Năm ngoái các cháu rất thích.",
		},
		{
			"აქ მხოლოდ ახალი წლის წინ ვყიდულობ საჩუქრებს მთელი ოჯახისთვის.",
			"ლამაზი სასაჩუქრე ნაკრებები და შეფუთვა. ყოველ დეკემბერს საჩუქრებს აქ ვყიდულობ.",
			"საჩუქრები შვილიშვილებისთვის. შარშან ძალიან მოეწონათ.",
		},
	},
	themeImpulse: {
		{
			"Saw it on Instagram and bought it right away.",
			"The design caught my eye, so I ordered it the same evening.",
			"A quick purchase in the app, no regrets.",
		},
		{
			"Reklama na Instagramie, jedno kliknięcie i już zamówione.",
			"Spodobał mi się wygląd, więc zamówienie poszło jeszcze tego samego wieczoru.",
			"Szybki zakup w aplikacji, niczego nie żałuję.",
		},
		{
			"Thấy trên Instagram là mua ngay.",
			"Thiết kế đẹp quá nên tôi đặt luôn trong tối hôm đó.",
			"Mua nhanh trên app, không hối hận.",
		},
		{
			"ინსტაგრამზე დავინახე და მაშინვე ვიყიდე.",
			"დიზაინი მომეწონა და იმავე საღამოს შევუკვეთე.",
			"აპლიკაციით სწრაფად ვიყიდე, არ ვნანობ.",
		},
	},
	themeComfort: {
		{
			"The most comfortable trousers I have ever had. I have bought three pairs already.",
			"Soft, warm basics in my size and friendly staff in the shop.",
			"Gifts for my grandchildren and comfortable clothes for me. Good quality, no problems.",
		},
		{
			"Najwygodniejsze spodnie, jakie znam. Mam już trzy pary.",
			"Miękkie, ciepłe ubrania w moim rozmiarze i miła obsługa w sklepie.",
			"Prezenty dla wnuków i wygodne ubrania dla mnie. Dobra jakość, żadnych problemów.",
		},
		{
			"Quần mặc rất thoải mái, tôi đã mua ba cái rồi.",
			"Đồ cơ bản mềm, ấm, có đúng cỡ của tôi, nhân viên cửa hàng lại thân thiện.",
			"Quà cho các cháu và quần áo thoải mái cho tôi. Chất lượng tốt, không có vấn đề gì.",
		},
		{
			"ეს შარვალი ყველაზე კომფორტულია, რაც კი მქონია. უკვე სამი ვიყიდე.",
			"რბილი, თბილი ტანსაცმელი ჩემს ზომაზე და თავაზიანი პერსონალი მაღაზიაში.",
			"საჩუქრები შვილიშვილებისთვის და კომფორტული ტანსაცმელი ჩემთვის. კარგი ხარისხია, არანაირი პრობლემა.",
		},
	},
	themeInspiration: {
		{
			"I love your newsletter and webinars, they are very inspiring, but I don't really need anything right now.",
			"I mostly read the blog and watch the live sessions. Maybe one day I will buy something.",
			"Beautiful content. I signed up for the trial out of curiosity.",
		},
		{
			"Uwielbiam Wasz newsletter i webinary, są bardzo inspirujące, ale na razie niczego nie potrzebuję.",
			"Głównie czytam bloga i oglądam transmisje na żywo. Może kiedyś coś kupię.",
			"Piękne treści. Okres próbny był ciekawy, ale na zakupy przyjdzie jeszcze czas.",
		},
		{
			"Tôi rất thích bản tin và các buổi webinar, rất truyền cảm hứng, nhưng hiện tại tôi chưa cần mua gì.",
			"Tôi chủ yếu đọc blog và xem livestream. Có lẽ một ngày nào đó tôi sẽ mua.",
			"Nội dung rất đẹp. Tôi đăng ký dùng thử chỉ vì tò mò.",
		},
		{
			"მიყვარს თქვენი წერილები და ვებინარები, ძალიან შთამაგონებელია, მაგრამ ახლა არაფერი მჭირდება.",
			"ძირითადად ბლოგს ვკითხულობ და პირდაპირ ეთერებს ვუყურებ. იქნებ ოდესმე რამე ვიყიდო.",
			"ლამაზი კონტენტია. საცდელ პერიოდზე ცნობისმოყვარეობის გამო დავრეგისტრირდი.",
		},
	},
	themeResearch: {
		{
			"I'm just researching for my thesis on consumer electronics.",
			"Comparing products for a university project, not buying yet.",
			"I'm a student, so I mostly read reviews and specifications.",
		},
		{
			"Zbieram tylko materiały do pracy magisterskiej o elektronice użytkowej.",
			"Porównuję produkty do projektu na studia, na razie nic nie kupuję.",
			"Studiuję, więc głównie czytam recenzje i specyfikacje.",
		},
		{
			"Tôi chỉ đang tìm hiểu để viết luận văn về đồ điện tử tiêu dùng.",
			"Tôi so sánh sản phẩm cho một dự án ở trường đại học, chưa định mua.",
			"Tôi là sinh viên nên chủ yếu đọc đánh giá và thông số kỹ thuật.",
		},
		{
			"უბრალოდ ჩემი სადიპლომო ნაშრომისთვის ვაგროვებ ინფორმაციას.",
			"უნივერსიტეტის პროექტისთვის პროდუქტებს ვადარებ, ჯერ არაფერს ვყიდულობ.",
			"სტუდენტი ვარ, ამიტომ ძირითადად შეფასებებსა და მახასიათებლებს ვკითხულობ.",
		},
	},
	themePrice: {
		{
			"The price is too high for me. I add things to my wishlist and wait for a sale.",
			"I love the brand, but I can't afford it at the moment.",
			"The shipping cost at checkout made me give up.",
		},
		{
			"Cena jest dla mnie za wysoka. Dodaję rzeczy do listy życzeń i czekam na wyprzedaż.",
			"Uwielbiam tę markę, ale na razie mnie na nią nie stać.",
			"Koszty wysyłki przy kasie mnie zniechęciły.",
		},
		{
			"Giá quá cao so với tôi. Tôi thêm đồ vào danh sách yêu thích và chờ giảm giá.",
			"Tôi rất thích thương hiệu này nhưng hiện tại không đủ tiền mua.",
			"Phí vận chuyển lúc thanh toán khiến tôi bỏ cuộc.",
		},
		{
			"ფასი ჩემთვის ძალიან მაღალია. ნივთებს სურვილების სიაში ვამატებ და ფასდაკლებას ველოდები.",
			"ეს ბრენდი ძალიან მომწონს, მაგრამ ახლა ამის საშუალება არ მაქვს.",
			"გადახდისას მიწოდების ფასმა გადამაფიქრებინა.",
		},
	},
	themeSizes: {
		{
			"Sizes are inconsistent, so I order two or three and send back what doesn't fit.",
			"I returned most of my orders because the sizes were wrong.",
			"Free returns are the only reason I order here.",
		},
		{
			"Rozmiary są niespójne, więc zamawiam dwa albo trzy i odsyłam to, co nie pasuje.",
			"Większość zamówień zwracam, bo rozmiary się nie zgadzają.",
			"Darmowe zwroty to jedyny powód, dla którego tu zamawiam.",
		},
		{
			"Kích cỡ không đồng nhất nên tôi đặt hai, ba cỡ rồi gửi trả cái không vừa.",
			"Tôi trả lại phần lớn đơn hàng vì sai kích cỡ.",
			"Đổi trả miễn phí là lý do duy nhất tôi đặt hàng ở đây.",
		},
		{
			"ზომები ყოველთვის განსხვავდება, ამიტომ ორ-სამ ზომას ვუკვეთავ და რაც არ მერგება, ვაბრუნებ.",
			"შეკვეთების უმეტესობა დავაბრუნე, რადგან ზომა არ მომერგო.",
			"უფასო დაბრუნება ერთადერთი მიზეზია, რის გამოც აქ ვუკვეთავ.",
		},
	},
	themeSupport: {
		{
			"Support is slow. I waited a week for an answer about my delivery.",
			"The product broke after two weeks and nobody helped me.",
			"Delivery was late again and the courier was rude.",
		},
		{
			"Obsługa klienta jest powolna. Na odpowiedź w sprawie dostawy trzeba czekać tydzień.",
			"Produkt zepsuł się po dwóch tygodniach i nikt mi nie pomógł.",
			"Dostawa znowu się spóźniła, a kurier był niemiły.",
		},
		{
			"Bộ phận hỗ trợ phản hồi quá chậm. Tôi đợi cả tuần mới được trả lời về đơn giao hàng.",
			"Sản phẩm hỏng sau hai tuần mà không ai giúp tôi.",
			"Giao hàng lại trễ và người giao hàng thì thô lỗ.",
		},
		{
			"მხარდაჭერის სამსახური ძალიან ნელია. მიწოდების შესახებ პასუხს მთელი კვირა ველოდე.",
			"ნივთი ორ კვირაში გაფუჭდა და არავინ დამეხმარა.",
			"მიწოდება ისევ დაგვიანდა, კურიერი კი უხეში იყო.",
		},
	},
	themeDiscounts: {
		{
			"I only buy when there is a promo code, otherwise it's too expensive.",
			"I wait for Black Friday and the seasonal sales.",
			"A discount of 40% or more, that's when I order.",
		},
		{
			"Kupuję tylko z kodem rabatowym, bez niego jest za drogo.",
			"Czekam na Black Friday i sezonowe wyprzedaże.",
			"Rabat od 40% w górę, wtedy zamawiam.",
		},
		{
			"Tôi chỉ mua khi có mã giảm giá, không thì quá đắt.",
			"Tôi chờ Black Friday và các đợt giảm giá theo mùa.",
			"Giảm từ 40% trở lên thì tôi mới đặt hàng.",
		},
		{
			"მხოლოდ პრომოკოდით ვყიდულობ, თორემ ძალიან ძვირია.",
			"შავ პარასკევს და სეზონურ ფასდაკლებებს ველოდები.",
			"40%-იანი ან მეტი ფასდაკლება, აი, მაშინ ვუკვეთავ.",
		},
	},
	themeComplicated: {
		{
			"I clicked an ad, but the site was too complicated and I didn't find what I wanted.",
			"Not what I expected from the ad.",
			"Too many steps to place an order, so I gave up.",
		},
		{
			"Reklama mnie zaciekawiła, ale strona jest zbyt skomplikowana i trudno znaleźć to, czego szukam.",
			"To nie to, co obiecywała reklama.",
			"Za dużo kroków przy składaniu zamówienia, odpuszczam.",
		},
		{
			"Tôi bấm vào quảng cáo nhưng trang web quá phức tạp, không tìm được thứ mình cần.",
			"Không giống như quảng cáo.",
			"Đặt hàng phải qua quá nhiều bước nên tôi bỏ cuộc.",
		},
		{
			"რეკლამაზე დავაჭირე, მაგრამ საიტი ძალიან რთულია და ვერ ვიპოვე, რასაც ვეძებდი.",
			"რეკლამის მიხედვით სხვა რამეს ველოდი.",
			"შეკვეთისთვის ძალიან ბევრი ნაბიჯია, ბოლოს გადავიფიქრე.",
		},
	},
	themeOneTime: {
		{
			"I needed one thing for a trip. I have no reason to come back.",
			"Bought once with the welcome discount, that's it.",
			"It was fine, but I don't need anything else.",
		},
		{
			"Potrzebna mi była jedna rzecz na wyjazd. Nie mam powodu, żeby wracać.",
			"Jeden zakup z rabatem powitalnym i tyle.",
			"Było w porządku, ale niczego więcej nie potrzebuję.",
		},
		{
			"Tôi chỉ cần một món cho chuyến đi, không có lý do gì để quay lại.",
			"Mua một lần với mã giảm giá chào mừng, thế thôi.",
			"Cũng ổn, nhưng tôi không cần gì thêm.",
		},
		{
			"მოგზაურობისთვის ერთი ნივთი მჭირდებოდა. დასაბრუნებელი მიზეზი არ მაქვს.",
			"ერთხელ ვიყიდე მისასალმებელი ფასდაკლებით და მორჩა.",
			"ყველაფერი კარგად იყო, მაგრამ მეტი არაფერი მჭირდება.",
		},
	},
	themeCasual: {
		{
			"It's okay. Nothing special.",
			"I browse sometimes when I have time.",
			"A normal shop with average prices.",
		},
		{
			"Jest w porządku. Nic szczególnego.",
			"Czasem przeglądam, kiedy mam chwilę.",
			"Zwyczajny sklep, przeciętne ceny.",
		},
		{
			"Cũng được. Không có gì đặc biệt.",
			"Thỉnh thoảng rảnh tôi lại vào xem.",
			"Cửa hàng bình thường, giá cả trung bình.",
		},
		{
			"ნორმალურია. განსაკუთრებული არაფერი.",
			"ხანდახან ვათვალიერებ, როცა დრო მაქვს.",
			"ჩვეულებრივი მაღაზიაა, საშუალო ფასებით.",
		},
	},
}

// Structured answer values.
var (
	goalValues = []string{"quality", "low_price", "gift", "comfort", "inspiration", "research", "style", "convenience"}
)
